"""DRF views for /api/v1/tanam/ (included by blitar_portal/urls.py). Same services and rules as the web."""

from django.http import HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from blitar_portal.core.api import form_parameters, validated_query
from blitar_portal.core.pagination import cursor_links
from blitar_portal.lib.db import use_replica
from blitar_portal.lib.ratelimit import UNSAFE, api_throttles, scoped

from . import selectors, services
from .forms import ClusterViewForm, CoverQueryForm, PlantingPageForm
from .models import MAX_TREES_PER_POINT, TREE_COUNT_ERRORS, Campaign, Community, Planting, Species

# Errors (400/403/404/429) are raised, shaped and documented by blitar_portal.core.api.


class PlantingInputSerializer(serializers.Serializer):
    lat = serializers.CharField(required=False, allow_blank=True, help_text="Lintang (desimal), mis. -8.0954")
    lon = serializers.CharField(required=False, allow_blank=True, help_text="Bujur (desimal), mis. 112.1609")
    location_source = serializers.ChoiceField(choices=Planting.Source.choices, default=Planting.Source.MAP)
    gps_accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    species = serializers.PrimaryKeyRelatedField(
        queryset=Species.objects.all(),
        error_messages={
            "required": gettext_lazy("Pilih spesies pohon."),
            "null": gettext_lazy("Pilih spesies pohon."),
            "does_not_exist": gettext_lazy("Spesies tidak dikenal."),
            "incorrect_type": gettext_lazy("Spesies tidak dikenal."),
        },
    )
    tree_count = serializers.IntegerField(
        min_value=1,
        max_value=MAX_TREES_PER_POINT,
        default=1,
        error_messages={"null": TREE_COUNT_ERRORS["invalid"], **TREE_COUNT_ERRORS},
        help_text="Jumlah pohon di titik ini (penanaman kelompok), 1–1.000",
    )
    planted_on = serializers.DateField(required=False, allow_null=True)
    community = serializers.PrimaryKeyRelatedField(queryset=Community.objects.all(), required=False, allow_null=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True)
    photo = serializers.FileField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def planting_feature(planting):
    return {
        "type": "Feature",
        "id": planting.pk,
        "geometry": {"type": "Point", "coordinates": [round(planting.point.x, 7), round(planting.point.y, 7)]},
        "properties": {
            "species": planting.species.local_name,
            "scientific_name": planting.species.scientific_name,
            "trees": planting.tree_count,
            "planted_on": planting.planted_on.isoformat(),
            "kecamatan": planting.kecamatan.name,
            "desa": planting.desa.name,
            "community": planting.community.name if planting.community_id else None,
            "campaign": planting.campaign.name if planting.campaign_id else None,
            "status": planting.status,
        },
    }


GEOJSON = inline_serializer(
    "GeoJSONFeatureCollection",
    fields={"type": serializers.CharField(), "features": serializers.ListField(child=serializers.DictField())},
)


GEOJSON_PAGE = inline_serializer(
    "GeoJSONFeaturePage",
    fields={
        "type": serializers.CharField(),
        "total_estimate": serializers.IntegerField(allow_null=True),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "features": serializers.ListField(child=serializers.DictField()),
    },
)


# Registering and editing count in the same group as the web form (tanam.views.register).
REGISTRATION_THROTTLES = api_throttles(scoped("tanam-register", key="user", method=UNSAFE))


class PlantingsView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    throttle_classes = REGISTRATION_THROTTLES
    PAGE_SIZE = 200

    @extend_schema(
        operation_id="tanam_plantings_list",
        summary="Penanaman terverifikasi (GeoJSON, berhalaman dengan kursor)",
        description=(
            "Urut menurut id. Halaman berikutnya: ikuti `next` (`after=<id>`), sebelumnya: `previous` "
            "(`before=<id>`). Tidak ada hitungan persis; `total_estimate` berasal dari agregat peta "
            "(tertinggal beberapa detik dari verifikasi) dan null bila lebih dari satu saringan."
        ),
        parameters=form_parameters(PlantingPageForm),
        responses={200: GEOJSON_PAGE},
    )
    def get(self, request):
        form = validated_query(PlantingPageForm, request)
        filters = form.filters()
        after, before = form.cleaned_data["after"], form.cleaned_data["before"]
        page = selectors.plantings_public_page(filters, after=after, before=before, size=self.PAGE_SIZE)
        return Response(
            {
                "type": "FeatureCollection",
                "total_estimate": selectors.plantings_public_total_estimate(filters),
                **cursor_links(request, form, after=page["next_after"], before=page["previous_before"]),
                "features": [planting_feature(p) for p in page["plantings"]],
            }
        )

    @extend_schema(
        summary="Daftarkan penanaman (menunggu verifikasi)",
        request={"multipart/form-data": PlantingInputSerializer, "application/json": PlantingInputSerializer},
        responses={201: GEOJSON},
    )
    def post(self, request):
        serializer = PlantingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.planting_register(user=request.user, **serializer.validated_data)
        body = planting_feature(result.planting)
        body["properties"]["warnings"] = [str(w) for w in result.warnings]
        return Response(body, status=status.HTTP_201_CREATED)


class PlantingDetailView(APIView):
    """The planter's own planting (any status); another user's planting is 404, never 403."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = REGISTRATION_THROTTLES

    @extend_schema(
        operation_id="tanam_plantings_mine_retrieve",
        summary="Penanaman milik saya (status apa pun)",
        responses={200: GEOJSON},
    )
    def get(self, request, pk):
        return Response(planting_feature(selectors.planting_for_user_or_404(request.user, pk)))

    @extend_schema(
        summary="Ubah penanaman saya yang masih menunggu verifikasi (semua isian)",
        request={"multipart/form-data": PlantingInputSerializer, "application/json": PlantingInputSerializer},
        responses={200: GEOJSON},
    )
    def put(self, request, pk):
        return self._edit(request, pk, partial=False)

    @extend_schema(
        summary="Ubah sebagian isian penanaman saya yang masih menunggu verifikasi",
        request={"multipart/form-data": PlantingInputSerializer, "application/json": PlantingInputSerializer},
        responses={200: GEOJSON},
    )
    def patch(self, request, pk):
        return self._edit(request, pk, partial=True)

    def _edit(self, request, pk, *, partial):
        planting = selectors.planting_for_user_or_404(request.user, pk)
        incoming = request.data.dict() if hasattr(request.data, "dict") else dict(request.data)
        data = {**selectors.planting_input(planting), **incoming} if partial else incoming
        serializer = PlantingInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        result = services.planting_edit_by_owner(planting=planting, user=request.user, **serializer.validated_data)
        body = planting_feature(result.planting)
        body["properties"]["warnings"] = [str(w) for w in result.warnings]
        return Response(body)


class ClustersView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        summary="Klaster/pin penanaman terverifikasi untuk satu tampilan peta (GeoJSON, ≤ ~1.000 fitur)",
        parameters=form_parameters(ClusterViewForm, required=("bbox", "zoom")),
        responses={200: GEOJSON},
    )
    def get(self, request):
        form = validated_query(ClusterViewForm, request)
        bbox, zoom = form.cleaned_data["bbox"], form.cleaned_data["zoom"]
        body = selectors.clusters_geojson_bytes(bbox=bbox, zoom=zoom, filters=form.filters())
        return HttpResponse(body, content_type="application/json")


class CoverView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Tutupan tajuk per kecamatan/desa untuk setiap tahun (GeoJSON, hasil tersimpan)",
        parameters=form_parameters(CoverQueryForm),
        responses={200: GEOJSON},
    )
    def get(self, request):
        level = validated_query(CoverQueryForm, request).cleaned_data["level"] or "kecamatan"
        return Response(selectors.cover_geojson(level=level))


urlpatterns = [
    path("tanam/plantings/", PlantingsView.as_view(), name="tanam-plantings"),
    path("tanam/plantings/<int:pk>/", PlantingDetailView.as_view(), name="tanam-planting"),
    # Public, read-only: from a streaming replica when one is configured (lib/db.py). The
    # plantings list stays on the primary: a volunteer reads back what the app just sent.
    path("tanam/clusters/", use_replica()(ClustersView.as_view()), name="tanam-clusters"),
    path("tanam/cover/", use_replica()(CoverView.as_view()), name="tanam-cover"),
]
