from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("pengaturan/", views.preferences, name="preferences"),
    path("berhenti/<str:token>/", views.stop, name="stop"),
    path("whatsapp/webhook/", views.whatsapp_webhook, name="whatsapp_webhook"),
]
