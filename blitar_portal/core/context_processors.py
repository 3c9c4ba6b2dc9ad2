from django.conf import settings


def site(request):
    return {"SITE_NAME": "Portal Smart City Kabupaten Blitar", "SITE_URL": settings.SITE_URL}
