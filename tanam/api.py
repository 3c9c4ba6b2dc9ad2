"""DRF views for /api/v1/tanam/ (included by blitar_portal/urls.py). Same services and rules as the web."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from . import selectors, services
from .models import Campaign, Community, Planting, Species

FILTER_PARAMS = [
    OpenApiParameter("species", int, description="ID spesies"),
    OpenApiParameter("year", int, description="Tahun tanam"),
    OpenApiParameter("kecamatan", int, description="ID kecamatan"),
    OpenApiParameter("community", int, description="ID komunitas"),
    OpenApiParameter("campaign", int, description="ID kampanye"),
]


def _error(exc):
    messages = [m for msgs in exc.message_dict.values() for m in msgs] if hasattr(exc, "message_dict") else exc.messages
    return Response({"detail": messages[0], "errors": messages}, status=status.HTTP_400_BAD_REQUEST)


class PlantingInputSerializer(serializers.Serializer):
    lat = serializers.CharField(required=False, allow_blank=True, help_text="Lintang (desimal), mis. -8.0954")
    lon = serializers.CharField(required=False, allow_blank=True, help_text="Bujur (desimal), mis. 112.1609")
    location_source = serializers.ChoiceField(choices=Planting.Source.choices, default=Planting.Source.MAP)
    gps_accuracy_m = serializers.FloatField(required=False, allow_null=True, min_value=0)
    species = serializers.PrimaryKeyRelatedField(queryset=Species.objects.all())
    tree_count = serializers.IntegerField(min_value=1, max_value=10000, default=1)
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


class RegistrationThrottle(UserRateThrottle):
    rate = "30/hour"

    def allow_request(self, request, view):
        return True if request.method == "GET" else super().allow_request(request, view)


class PlantingsView(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    throttle_classes = [RegistrationThrottle]
    PAGE_SIZE = 200

    @extend_schema(
        summary="Penanaman terverifikasi (GeoJSON, berhalaman)",
        parameters=[*FILTER_PARAMS, OpenApiParameter("page", int)],
        responses={200: GEOJSON},
    )
    def get(self, request):
        try:
            filters = selectors.map_filters_parse(request.query_params)
        except ValidationError as exc:
            return _error(exc)
        queryset = (
            selectors.plantings_public_filtered(filters)
            .select_related("species", "kecamatan", "desa", "community", "campaign")
            .order_by("id")
        )
        page = Paginator(queryset, self.PAGE_SIZE).get_page(request.query_params.get("page"))
        base = request.build_absolute_uri(request.path)
        query = request.query_params.copy()

        def link(number):
            query["page"] = number
            return f"{base}?{query.urlencode()}"

        return Response(
            {
                "type": "FeatureCollection",
                "count": page.paginator.count,
                "next": link(page.next_page_number()) if page.has_next() else None,
                "previous": link(page.previous_page_number()) if page.has_previous() else None,
                "features": [planting_feature(p) for p in page.object_list],
            }
        )

    @extend_schema(
        summary="Daftarkan penanaman (menunggu verifikasi)",
        request={"multipart/form-data": PlantingInputSerializer, "application/json": PlantingInputSerializer},
        responses={201: GEOJSON, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        serializer = PlantingInputSerializer(data=request.data)
        if not serializer.is_valid():
            first = next(iter(serializer.errors.values()))[0]
            return Response({"detail": str(first), "errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = services.planting_register(user=request.user, **serializer.validated_data)
        except ValidationError as exc:
            return _error(exc)
        body = planting_feature(result.planting)
        body["properties"]["warnings"] = [str(w) for w in result.warnings]
        return Response(body, status=status.HTTP_201_CREATED)


class ClustersView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(
        summary="Klaster/pin penanaman terverifikasi untuk satu tampilan peta (GeoJSON, ≤ ~1.000 fitur)",
        parameters=[
            OpenApiParameter("bbox", str, required=True, description="bujur_min,lintang_min,bujur_maks,lintang_maks"),
            OpenApiParameter("zoom", int, required=True, description="Tingkat zoom Leaflet (8–19)"),
            *FILTER_PARAMS,
        ],
        responses={200: GEOJSON, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            bbox = selectors.bbox_parse(request.query_params.get("bbox"))
            zoom = int(request.query_params.get("zoom", ""))
            filters = selectors.map_filters_parse(request.query_params)
        except ValueError:
            return Response({"detail": "zoom harus berupa bilangan bulat."}, status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as exc:
            return _error(exc)
        return Response(selectors.clusters_geojson(bbox=bbox, zoom=zoom, filters=filters))


class CoverView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Tutupan tajuk per kecamatan/desa untuk setiap tahun (GeoJSON, hasil tersimpan)",
        parameters=[OpenApiParameter("level", str, enum=["kecamatan", "desa"], description="Tingkat wilayah")],
        responses={200: GEOJSON},
    )
    def get(self, request):
        level = "desa" if request.query_params.get("level") == "desa" else "kecamatan"
        return Response(selectors.cover_geojson(level=level))


urlpatterns = [
    path("tanam/plantings/", PlantingsView.as_view(), name="tanam-plantings"),
    path("tanam/clusters/", ClustersView.as_view(), name="tanam-clusters"),
    path("tanam/cover/", CoverView.as_view(), name="tanam-cover"),
]
