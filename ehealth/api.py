"""DRF serializers and views for /api/v1/ (urlpatterns are included by blitar_portal/urls.py)."""

urlpatterns = []
