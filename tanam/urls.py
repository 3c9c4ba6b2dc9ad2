from django.urls import path

from . import views

app_name = "tanam"

urlpatterns = [
    path("", views.map_page, name="map"),
    path("wilayah.geojson", views.outlines, name="outlines"),
    path("daftar/", views.register, name="register"),
    path("daftar/kirim/", views.register_send, name="register-send"),
    path("saya/", views.mine, name="mine"),
    path("penanaman/<int:pk>/", views.planting_detail, name="detail"),
    path("penanaman/<int:pk>/ubah/", views.planting_edit, name="edit"),
    path("penanaman/<int:pk>/periksa/", views.planting_check, name="check"),
    path("penanaman/<int:pk>/foto/<slug:size>.<slug:ext>", views.planting_photo, name="photo"),
    path("pohon/<int:pk>/", views.planting_public, name="public"),
    path("pohon/<int:pk>/pantau/<int:observation_id>.jpg", views.observation_photo, name="public-observation-photo"),
    path("tutupan/", views.cover_page, name="cover"),
    path("komunitas/", views.communities, name="communities"),
    path("komunitas/<slug:slug>/", views.community, name="community"),
    path("komunitas/<slug:slug>/gabung/", views.community_join, name="community-join"),
    path("komunitas/<slug:slug>/keluar/", views.community_leave, name="community-leave"),
    path("kampanye/", views.campaigns, name="campaigns"),
    path("kampanye/<slug:slug>/", views.campaign, name="campaign"),
    path("peringkat/", views.leaderboard, name="leaderboard"),
    path("ekspor.csv", views.export_csv, name="export-csv"),
    path("ekspor.geojson", views.export_geojson, name="export-geojson"),
]
