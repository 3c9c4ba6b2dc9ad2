from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("daftar/", views.signup, name="signup"),
    path("profil/", views.profile, name="profile"),
    path("mulai/", views.start, name="start"),
    # Matched before django.contrib.auth.urls (same path under /akun/): the rate-limited version.
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
