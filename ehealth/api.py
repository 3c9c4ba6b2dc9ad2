"""DRF serializers and views for /api/v1/ (the Android app's contract; urlpatterns included by blitar_portal/urls.py).

Same validation and services as the web pages: the request is created by
services.service_request_create, the lists come from selectors.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
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
    male = serializers.IntegerField(allow_null=True, help_text="Tersedia untuk pria (bila feed menyebutkan).")
    female = serializers.IntegerField(allow_null=True, help_text="Tersedia untuk wanita (bila feed menyebutkan).")
    either = serializers.IntegerField(allow_null=True, help_text="Tersedia untuk pria atau wanita.")


class IgdSerializer(serializers.Serializer):
    capacity = serializers.IntegerField(allow_null=True, help_text="Jumlah tempat tidur IGD.")
    available = serializers.IntegerField(allow_null=True, help_text="Tempat tidur IGD kosong.")
    waiting = serializers.IntegerField(allow_null=True, help_text="Pasien IGD menunggu.")


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
    freshness = serializers.CharField(help_text="Umur angka dalam kata-kata, mis. 'diperbarui 3 menit lalu'.")
    igd = IgdSerializer(allow_null=True, help_text="IGD; null bila rumah sakit belum pernah melaporkannya.")
    distance_km = serializers.FloatField(required=False, allow_null=True)
    classes = BedClassSerializer(many=True)


class ServiceSerializer(serializers.ModelSerializer):
    opens_at = LocalTimeField(help_text="Jam buka (WIB).")

    class Meta:
        model = Service
        fields = ["id", "name", "kind", "daily_quota", "avg_service_minutes", "opens_at"]


class SessionSerializer(serializers.Serializer):
    starts_at = LocalTimeField(help_text="Jam mulai (WIB).")
    ends_at = LocalTimeField(help_text="Jam selesai (WIB).")
    doctor_name = serializers.CharField()


class OpenDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    remaining = serializers.IntegerField(help_text="Sisa kuota hari itu.")
    sessions = SessionSerializer(many=True)


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
    whatsapp = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="Nomor WhatsApp (kosong: sama dengan phone)."
    )
    notify_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=["whatsapp", "sms"]),
        required=False,
        max_length=2,
        help_text="Saluran yang disetujui warga untuk kabar permohonan ini (UU PDP): whatsapp, sms.",
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


class QueueStatusSerializer(serializers.Serializer):
    now_serving = serializers.IntegerField(allow_null=True, help_text="Nomor yang terakhir dipanggil hari ini.")
    ahead = serializers.IntegerField(allow_null=True, help_text="Antrean di depan (null: bukan hari kunjungan).")
    called = serializers.BooleanField(help_text="Nomor ini sedang dipanggil.")
    estimated_time = LocalTimeField(allow_null=True, help_text="Perkiraan jam dilayani menurut laju hari ini (WIB).")
    pace_minutes = serializers.FloatField(allow_null=True, help_text="Menit per pasien hari ini.")


class ServiceRequestTrackSerializer(ServiceRequestPublicSerializer):
    """What the tracking page shows, with the live queue (`selectors.queue_status`)."""

    code_display = serializers.CharField(read_only=True, help_text="Kode dalam kelompok, mis. KZD-YHC-B34G.")
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)
    queue = serializers.SerializerMethodField()

    class Meta(ServiceRequestPublicSerializer.Meta):
        fields = [*ServiceRequestPublicSerializer.Meta.fields, "code_display", "checked_in_at", "queue"]

    @extend_schema_field(QueueStatusSerializer)
    def get_queue(self, obj):
        return QueueStatusSerializer(selectors.queue_status(obj)).data


class CalledSerializer(serializers.Serializer):
    called = ServiceRequestTrackSerializer(allow_null=True, help_text="Pasien yang dipanggil; null bila tidak ada.")


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
    summary="Hari buka sebuah layanan dengan sisa kuota (hanya hari yang masih bisa dipesan)",
    responses=OpenDaySerializer(many=True),
)
@api_view(["GET"])
@permission_classes([AllowAny])
def service_slots(request, service_id):
    service = selectors.services_for_booking().filter(pk=service_id).first()
    if service is None:
        raise Http404
    return Response(OpenDaySerializer(selectors.service_open_days(service), many=True).data)


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
    fields = {
        **data,
        "email": data.get("email", ""),
        "submit_token": data.get("submit_token") or None,
        "user": request.user,
        "whatsapp": data.get("whatsapp", ""),
        "notify_channels": list(dict.fromkeys(data.get("notify_channels", []))),
    }
    created, warnings = services.service_request_create(**fields)
    body = ServiceRequestPublicSerializer(created).data
    body["warnings"] = [str(w) for w in warnings]
    return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Status permohonan berdasarkan kode booking, dengan antrean hari ini",
    responses=ServiceRequestTrackSerializer,
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes(BOOKING_LOOKUP)
def service_request_detail(request, code):
    found = selectors.service_request_by_code(code)
    if found is None:
        raise Http404
    return Response(ServiceRequestTrackSerializer(found).data)


@extend_schema(
    summary="Check-in pasien (petugas rumah sakit permohonan itu)",
    request=None,
    responses={200: ServiceRequestTrackSerializer},
)
@api_view(["POST"])
@permission_classes([AllowAny])  # 404 for anyone but a clerk of the request's hospital
def service_request_check_in(request, code):
    hospitals = selectors.hospitals_for_user(request.user)
    found = selectors.service_request_by_code(code)
    if found is None or not hospitals.filter(pk=found.hospital_id).exists():
        raise Http404
    done = services.service_request_check_in(service_request=found, hospitals=hospitals)
    return Response(ServiceRequestTrackSerializer(done).data)


@extend_schema(
    summary="Panggil pasien berikutnya sebuah layanan (petugas rumah sakit layanan itu)",
    request=inline_serializer("CallNext", {"desk": serializers.CharField(required=False, max_length=20)}),
    responses={200: CalledSerializer},
)
@api_view(["POST"])
@permission_classes([AllowAny])  # 404 for anyone but a clerk of the service's hospital
def service_call_next(request, service_id):
    service = selectors.services_for_staff(request.user).filter(pk=service_id).first()
    if service is None:
        raise Http404
    desk = serializers.CharField(required=False, allow_blank=True, max_length=20)
    desk_value = desk.run_validation(request.data.get("desk", "")) if request.data.get("desk") else ""
    called = services.queue_call_next(service=service, desk=desk_value)
    return Response({"called": ServiceRequestTrackSerializer(called).data if called else None})


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
    path("services/<int:service_id>/slots/", service_slots, name="ehealth-service-slots"),
    path("service-requests/", service_request_create, name="ehealth-service-requests"),
    path("service-requests/<str:code>/", service_request_detail, name="ehealth-service-request"),
    path("service-requests/<str:code>/cancel/", service_request_cancel, name="ehealth-service-request-cancel"),
    path("service-requests/<str:code>/check-in/", service_request_check_in, name="ehealth-service-request-check-in"),
    path("services/<int:service_id>/call-next/", service_call_next, name="ehealth-service-call-next"),
]
