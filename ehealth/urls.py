from django.urls import path

from . import clerk_views, views

app_name = "ehealth"

urlpatterns = [
    path("", views.board, name="board"),
    path("rs/<slug:slug>/", views.hospital_detail, name="hospital_detail"),
    path("permohonan/baru/", views.request_new, name="request_new"),
    path("permohonan/cari/", views.request_lookup, name="request_lookup"),
    path("permohonan/<str:code>/", views.request_detail, name="request_detail"),
    path("permohonan/<str:code>/batal/", views.request_cancel, name="request_cancel"),
    path("permohonan/<str:code>/data-saya/", views.request_my_data, name="request_my_data"),
    path("permohonan/<str:code>/data-saya/hapus/", views.request_erase, name="request_erase"),
    path("demo-feed/<slug:slug>/", views.demo_feed, name="demo_feed"),
    path("petugas/", clerk_views.clerk_start, name="clerk_start"),
    path("petugas/<slug:slug>/", clerk_views.clerk_hospital, name="clerk_hospital"),
]
