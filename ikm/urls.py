from django.urls import path

from . import views, views_owner, views_staff

app_name = "ikm"

urlpatterns = [
    path("", views.front, name="front"),
    path("cari/", views.search, name="search"),
    path("produk/<slug:slug>/", views.product_detail, name="product"),
    path("produk/<slug:slug>/whatsapp/", views.product_whatsapp, name="product_whatsapp"),
    path("produk/<slug:slug>/pesan/", views.product_inquiry, name="product_inquiry"),
    path("toko/<slug:slug>/", views.shop_detail, name="shop"),
    path("foto/<int:pk>/<slug:size>.<slug:ext>", views.photo, name="photo"),
    path("gambar-toko/<int:pk>/<slug:size>.<slug:ext>", views.shop_image, name="shop_image"),
    # Toko Saya: the owner's own shop.
    path("toko-saya/", views_owner.owner_home, name="owner_home"),
    path("toko-saya/daftar/", views_owner.owner_register, name="owner_register"),
    path("toko-saya/profil/", views_owner.owner_shop, name="owner_shop"),
    path("toko-saya/ajukan/", views_owner.owner_submit, name="owner_submit"),
    path("toko-saya/sertifikat/", views_owner.owner_certifications, name="owner_certifications"),
    path(
        "toko-saya/sertifikat/<int:pk>/hapus/",
        views_owner.owner_certification_delete,
        name="owner_certification_delete",
    ),
    path("toko-saya/produk/baru/", views_owner.owner_product_new, name="owner_product_new"),
    path("toko-saya/produk/<int:pk>/", views_owner.owner_product, name="owner_product"),
    path("toko-saya/produk/<int:pk>/hapus/", views_owner.owner_product_delete, name="owner_product_delete"),
    path("toko-saya/produk/<int:pk>/foto/", views_owner.owner_photo_upload, name="owner_photo_upload"),
    path("toko-saya/foto/<int:pk>/", views_owner.owner_photo_action, name="owner_photo_action"),
    path("toko-saya/foto/<int:pk>/asli/", views_owner.owner_photo_original, name="owner_photo_original"),
    path("toko-saya/pesan/", views_owner.owner_inbox, name="owner_inbox"),
    path("toko-saya/pesan/<int:pk>/status/", views_owner.owner_inquiry_status, name="owner_inquiry_status"),
    path("toko-saya/statistik/", views_owner.owner_stats, name="owner_stats"),
    path("toko-saya/laporan/", views_owner.owner_reports, name="owner_reports"),
    path("toko-saya/program/", views_owner.owner_programmes, name="owner_programmes"),
    path("toko-saya/program/<int:pk>/daftar/", views_owner.owner_programme_register, name="owner_programme_register"),
    path("toko-saya/program/batal/<int:pk>/", views_owner.owner_programme_cancel, name="owner_programme_cancel"),
    # Diskominfo staff: a programme's participants, a shop's capacity next to the programmes it attended.
    path("staf/program/<int:pk>/", views_staff.staff_programme, name="staff_programme"),
    path("staf/toko/<int:pk>/perkembangan/", views_staff.staff_shop_history, name="staff_shop_history"),
]
