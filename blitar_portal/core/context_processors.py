from django.conf import settings

from blitar_portal.accounts.roles import is_diskominfo


def site(request):
    return {
        "SITE_NAME": "Portal Smart City Kabupaten Blitar",
        "SITE_URL": settings.SITE_URL,
        "is_diskominfo": is_diskominfo(request.user) if hasattr(request, "user") else False,
    }
