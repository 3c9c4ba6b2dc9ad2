from django.urls import path

from . import views, views_review

app_name = "dashboard"

urlpatterns = [
    path("", views.section, name="ringkasan"),
    path("segarkan/", views.refresh, name="refresh"),
    path("ikm/target/", views.ikm_target, name="ikm-target"),
    # Diskominfo's review pages (views_review.py); before "<slug>/", which would take "verifikasi".
    path("verifikasi/", views_review.review_home, name="review"),
    path("verifikasi/<slug:kind>/", views_review.review_queue, name="review-queue"),
    path("verifikasi/<slug:kind>/massal/", views_review.review_bulk, name="review-bulk"),
    path("verifikasi/<slug:kind>/<int:pk>/", views_review.review_item, name="review-item"),
    path("<slug:slug>/", views.section, name="section"),
    path("<slug:slug>/unduh.xlsx", views.section_download, name="xlsx"),
    path("<slug:slug>/<slug:key>.csv", views.figure_download, name="csv"),
    path("<slug:slug>/<slug:key>.svg", views.figure_svg, name="svg"),
    path("<slug:slug>/<slug:key>.png", views.figure_png, name="png"),
]
