"""The portal's URLs plus /probe/, which tells what Django received from the reverse proxy."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from blitar_portal.lib.client_ip import client_ip
from blitar_portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def probe(request):
    return JsonResponse(
        {
            "client_ip": client_ip(request),
            "remote_addr": request.META.get("REMOTE_ADDR"),
            "x_forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
            "x_forwarded_proto": request.META.get("HTTP_X_FORWARDED_PROTO"),
            "x_request_id": request.META.get("HTTP_X_REQUEST_ID"),
            "is_secure": request.is_secure(),
            "host": request.get_host(),
            "body_bytes": len(request.body),
        }
    )


urlpatterns = [path("probe/", probe), *portal_urlpatterns]
