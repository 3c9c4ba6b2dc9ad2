"""DRF serializers and views for /api/v1/ (the Android app's contract; urlpatterns included by blitar_portal/urls.py).

Same validation and services as the web pages: the request is created by
services.service_request_create, the lists come from selectors.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from blitar_portal.core.api import LocalTimeField, form_parameters, validated_query
from blitar_portal.lib.db import use_replica
from blitar_portal.lib.masking import mask_name
from blitar_portal.lib.ratelimit import api_throttles, scoped

from . import selectors, services
from .forms import HospitalQueryForm
from .models import Service, ServiceRequest

# Page and API count in the same groups (blitar_portal.lib.ratelimit).
BOOKING_LOOKUP = api_throttles(scoped("booking-lookup"))
SERVICE_REQUEST = api_throttles(scoped("service-request", method="POST"))


class BedClassSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Kode kelas kanonik (VIP, KELAS_3, ICU, …, LAINNYA).")
    label = serializers.CharField()
    capacity = serializers.IntegerField()
    available = serializers.IntegerField()


class HospitalSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    kecamatan = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    igd_phone = serializers.CharField()
    updated_at = serializers.DateTimeField(source="confirmed_at", allow_null=True)
    age_minutes = serializers.IntegerField(allow_null=True)
    stale = serializers.BooleanField()
    distance_km = serializers.FloatField(required=False, allow_null=True)
    classes = BedClassSerializer(many=True)


class ServiceSerializer(serializers.ModelSerializer):
    opens_at = LocalTimeField(help_text="Jam buka (WIB).")

    class Meta:
        model = Service
        fields = ["id", "name", "kind", "daily_quota", "avg_service_minutes", "opens_at"]


class ServiceRequestCreateSerializer(serializers.Serializer):
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.filter(is_active=True))
    visit_date = serializers.DateField()
    name = serializers.CharField(max_length=120, min_length=2)
    nik = serializers.CharField(max_length=20)
    phone = serializers.CharField(max_length=20)
    # No default "": it is not an e-mail address, so a schema with it would be invalid.
    email = serializers.EmailField(required=False, allow_blank=True)
    bpjs_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=13)
    complaint = serializers.CharField(max_length=2000)
    consent = serializers.BooleanField(help_text="Harus true: persetujuan pemrosesan data pribadi (UU PDP).")
    submit_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="Kunci idempoten: kirim ulang dengan nilai sama = permohonan yang sama.",
    )


class ServiceRequestPublicSerializer(serializers.ModelSerializer):
    """What the booking-code holder sees: no NIK, masked name."""

    hospital = serializers.CharField(source="hospital.name")
    hospital_slug = serializers.CharField(source="hospital.slug")
    service = serializers.CharField(source="service.name")
    name = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    estimated_time = LocalTimeField(allow_null=True, read_only=True, help_text="Perkiraan jam layanan (WIB).")

    class Meta:
        model = ServiceRequest
        fields = [
            "code",
            "hospital",
            "hospital_slug",
            "service",
            "visit_date",
            "queue_number",
            "estimated_time",
            "status",
            "status_label",
            "reject_reason",
            "name",
            "created_at",
        ]

    def get_name(self, obj) -> str:
        return mask_name(obj.name)


class ServiceRequestCreatedSerializer(ServiceRequestPublicSerializer):
    """The 201 answer: the request as its holder sees it, plus warnings (e.g. a NIK from elsewhere)."""

    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(ServiceRequestPublicSerializer.Meta):
        fields = [*ServiceRequestPublicSerializer.Meta.fields, "warnings"]


def _board_rows(request):
    form = validated_query(HospitalQueryForm, request)
    return selectors.board(
        bed_class=form.cleaned_data["kelas"],
        kecamatan=form.cleaned_data["kecamatan"],
        hospital_type=form.cleaned_data["jenis"],
        point=form.point(),
    )


@extend_schema(
    summary="Ketersediaan tempat tidur semua rumah sakit",
    parameters=form_parameters(HospitalQueryForm),
    responses=HospitalSerializer(many=True),
)
@use_replica()  # public bed board: from a streaming replica when one is configured (lib/db.py)
@api_view(["GET"])
@permission_classes([AllowAny])
def hospital_list(request):
    return Response(HospitalSerializer(_board_rows(request), many=True).data)


@extend_schema(
    summary="Satu rumah sakit: kelas tempat tidur, layanan",
    responses=inline_serializer(
        "HospitalDetail",
        {"hospital": HospitalSerializer(), "services": ServiceSerializer(many=True)},
    ),
)
@use_replica()
@api_view(["GET"])
@permission_classes([AllowAny])
def hospital_detail(request, slug):
    row = next((r for r in selectors.board() if r["slug"] == slug), None)
    hospital = selectors.hospital_public(slug)
    if row is None or hospital is None:
        raise Http404
    return Response(
        {
            "hospital": HospitalSerializer(row).data,
            "services": ServiceSerializer(selectors.hospital_services(hospital), many=True).data,
        }
    )


@extend_schema(
    summary="Ajukan permohonan layanan",
    request=ServiceRequestCreateSerializer,
    responses={201: ServiceRequestCreatedSerializer, 429: None},
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes(SERVICE_REQUEST)
def service_request_create(request):
    serializer = ServiceRequestCreateSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    # A service's ValidationError becomes the API's 400 body (blitar_portal.core.api).
    fields = {**data, "email": data.get("email", ""), "submit_token": data.get("submit_token") or None}
    created, warnings = services.service_request_create(**fields)
    body = ServiceRequestPublicSerializer(created).data
    body["warnings"] = [str(w) for w in warnings]
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(summary="Status permohonan berdasarkan kode booking", responses=ServiceRequestPublicSerializer)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes(BOOKING_LOOKUP)
def service_request_detail(request, code):
    found = selectors.service_request_by_code(code)
    if found is None:
        raise Http404
    return Response(ServiceRequestPublicSerializer(found).data)


@extend_schema(
    summary="Batalkan permohonan (pemegang kode booking)",
    request=None,
    responses={200: ServiceRequestPublicSerializer},
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes(BOOKING_LOOKUP)
def service_request_cancel(request, code):
    found = selectors.service_request_by_code(code)
    if found is None:
        raise Http404
    cancelled = services.service_request_cancel(service_request=found)
    return Response(ServiceRequestPublicSerializer(cancelled).data)


urlpatterns = [
    path("hospitals/", hospital_list, name="ehealth-hospitals"),
    path("hospitals/<slug:slug>/", hospital_detail, name="ehealth-hospital"),
    path("service-requests/", service_request_create, name="ehealth-service-requests"),
    path("service-requests/<str:code>/", service_request_detail, name="ehealth-service-request"),
    path("service-requests/<str:code>/cancel/", service_request_cancel, name="ehealth-service-request-cancel"),
]
