"""/api/v1/push/: the browser side of Web Push (the page that calls it comes with the installable app).

- GET    /api/v1/push/vapid-public-key/  -> {"enabled": bool, "public_key": "<applicationServerKey>"}
- POST   /api/v1/push/subscriptions/     body: the browser's PushSubscription JSON
         ({"endpoint", "expirationTime", "keys": {"p256dh", "auth"}}) -> 201 (new) or 200 (renewed)
- DELETE /api/v1/push/subscriptions/     body: {"endpoint": "..."} -> 204 (also when it was unknown)

urlpatterns are included by blitar_portal/urls.py under /api/v1/.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from blitar_portal.core.api import ErrorAwareAutoSchema
from blitar_portal.lib.ratelimit import api_throttles, scoped

from . import services
from .channels.push import PushChannel, validate_auth, validate_endpoint, validate_p256dh, vapid_public_key

PUSH_SUBSCRIPTION = api_throttles(scoped("push-subscription"))


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(
        max_length=100, validators=[validate_p256dh], help_text="Kunci publik P-256 (base64url)."
    )
    auth = serializers.CharField(
        max_length=50, validators=[validate_auth], help_text="Rahasia auth 16 bita (base64url)."
    )


class PushSubscribeSerializer(serializers.Serializer):
    endpoint = serializers.CharField(
        max_length=1000, validators=[validate_endpoint], help_text="Endpoint layanan push."
    )
    expirationTime = serializers.IntegerField(required=False, allow_null=True, help_text="Diabaikan.")  # noqa: N815 - the browser's name
    keys = PushKeysSerializer()


class PushUnsubscribeSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=1000, help_text="Endpoint yang didaftarkan sebelumnya.")


class PushSubscribedSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField()
    created = serializers.BooleanField(help_text="false: langganan yang sama diperbarui.")


@extend_schema(
    tags=["push"],
    summary="Kunci publik VAPID untuk PushManager.subscribe()",
    responses=inline_serializer(
        "VapidPublicKey",
        {
            "enabled": serializers.BooleanField(help_text="false: notifikasi push tidak aktif di server ini."),
            "public_key": serializers.CharField(help_text="applicationServerKey (base64url); kosong bila tidak aktif."),
        },
    ),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def vapid_key(request):
    key = vapid_public_key()
    return Response({"enabled": bool(key), "public_key": key})


class BodyOnDeleteSchema(ErrorAwareAutoSchema):
    """Documents DELETE's JSON body too (drf-spectacular documents bodies of POST/PUT/PATCH only):
    the endpoint to forget travels in the body, never in a URL that access logs keep."""

    def _get_request_body(self, direction="request"):
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class Subscriptions(APIView):
    permission_classes = [AllowAny]
    throttle_classes = PUSH_SUBSCRIPTION
    schema = BodyOnDeleteSchema()

    @extend_schema(
        tags=["push"],
        summary="Daftarkan perangkat ini untuk notifikasi push",
        request=PushSubscribeSerializer,
        responses={201: PushSubscribedSerializer, 200: PushSubscribedSerializer},
    )
    def post(self, request):
        if not PushChannel().is_configured():
            raise exceptions.ValidationError(_("Notifikasi push belum diaktifkan di server ini."), code="push_disabled")
        serializer = PushSubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _subscription, created = services.push_subscribe(
            endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"], auth=data["keys"]["auth"], user=request.user
        )
        return Response(
            {"subscribed": True, "created": created}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        tags=["push"],
        summary="Hentikan notifikasi push di perangkat ini",
        request=PushUnsubscribeSerializer,
        responses={204: None},
    )
    def delete(self, request):
        serializer = PushUnsubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.push_unsubscribe(endpoint=serializer.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("push/vapid-public-key/", vapid_key, name="push-vapid-key"),
    path("push/subscriptions/", Subscriptions.as_view(), name="push-subscriptions"),
]
