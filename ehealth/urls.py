from django.urls import path

from . import clerk_views, views, views_alerts, views_queue

app_name = "ehealth"

urlpatterns = [
    path("", views.board, name="board"),
    path("rs/<slug:slug>/", views.hospital_detail, name="hospital_detail"),
    path("rs.geojson", views.hospitals_geojson, name="hospitals_geojson"),
    path("permohonan/baru/", views.request_new, name="request_new"),
    path("permohonan/cari/", views.request_lookup, name="request_lookup"),
    path("permohonan/saya/", views.my_requests, name="my_requests"),
    path("permohonan/<str:code>/", views.request_detail, name="request_detail"),
    path("permohonan/<str:code>/batal/", views.request_cancel, name="request_cancel"),
    path("permohonan/<str:code>/data-saya/", views.request_my_data, name="request_my_data"),
    path("permohonan/<str:code>/data-saya/hapus/", views.request_erase, name="request_erase"),
    path("antrean/<slug:slug>/", views_queue.queue_display, name="queue_display"),
    path("antrean/<slug:slug>/data/", views_queue.queue_display_data, name="queue_display_data"),
    path("antrean/<slug:slug>/check-in/", views_queue.self_check_in, name="self_check_in"),
    path("petugas/check-in/", views_queue.staff_check_in, name="staff_check_in"),
    path("petugas/antrean/", views_queue.staff_queue_index, name="staff_queue_index"),
    path("petugas/antrean/<int:service_id>/", views_queue.staff_queue, name="staff_queue"),
    path("kabari/", views_alerts.bed_alert_new, name="bed_alert_new"),
    path("kabari/<str:token>/", views_alerts.bed_alert_manage, name="bed_alert_manage"),
    path("kabari/<str:token>/perpanjang/", views_alerts.bed_alert_renew, name="bed_alert_renew"),
    path("kabari/<str:token>/batal/", views_alerts.bed_alert_cancel, name="bed_alert_cancel"),
    path("demo-feed/<slug:slug>/", views.demo_feed, name="demo_feed"),
    path("petugas/", clerk_views.clerk_start, name="clerk_start"),
    path("petugas/<slug:slug>/", clerk_views.clerk_hospital, name="clerk_hospital"),
]
