"""DRF serializers and views for /api/v1/ikm/ (read-only; verified shops only).

urlpatterns are included by blitar_portal/urls.py under /api/v1/.
"""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from blitar_portal.core.api import form_parameters, validated_query
from blitar_portal.lib.db import use_replica
from blitar_portal.lib.rupiah import format_rupiah

from . import selectors
from .forms import ProductQueryForm
from .templatetags.ikm_tags import rendition_url


class CertificationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    valid = serializers.BooleanField(source="is_valid")


class ShopSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    story = serializers.CharField()
    kecamatan = serializers.CharField(source="kecamatan.name")
    address = serializers.CharField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    whatsapp = serializers.CharField()
    kbli_sector = serializers.CharField()
    legal_form = serializers.CharField()
    year_founded = serializers.IntegerField(allow_null=True)
    workers = serializers.IntegerField()
    monthly_capacity = serializers.IntegerField()
    capacity_unit = serializers.CharField()
    marketplace_links = serializers.ListField(child=serializers.URLField())
    certifications = CertificationSerializer(many=True)
    url = serializers.SerializerMethodField()

    def get_latitude(self, obj) -> float | None:
        return obj.location.y if obj.location else None

    def get_longitude(self, obj) -> float | None:
        return obj.location.x if obj.location else None

    def get_url(self, obj) -> str:
        return f"/ikm/toko/{obj.slug}/"


class ProductSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(source="category.name")
    price = serializers.IntegerField(allow_null=True, help_text="Rupiah; null = harga nego")
    price_label = serializers.SerializerMethodField()
    unit = serializers.CharField()
    min_order = serializers.IntegerField()
    monthly_capacity = serializers.IntegerField()
    stock_status = serializers.CharField()
    shop = serializers.SlugField(source="shop.slug")
    shop_name = serializers.CharField(source="shop.name")
    kecamatan = serializers.CharField(source="shop.kecamatan.name")
    photos = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_price_label(self, obj) -> str:
        return format_rupiah(obj.price) if obj.price is not None else "Harga nego"

    def get_photos(self, obj) -> list[dict]:
        return [
            {"alt": p.alt_text, "thumb": rendition_url(p, "thumb"), "card": rendition_url(p, "card")}
            for p in obj.ready_photos
        ]

    def get_url(self, obj) -> str:
        return f"/ikm/produk/{obj.slug}/"


@extend_schema(tags=["ikm"], summary="Toko IKM terverifikasi")
class ShopList(generics.ListAPIView):
    serializer_class = ShopSerializer

    def get_queryset(self):
        return selectors.public_shop_details().order_by("name")


@extend_schema(tags=["ikm"], summary="Satu toko IKM")
class ShopDetail(generics.RetrieveAPIView):
    serializer_class = ShopSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.public_shop_details()


@extend_schema(
    tags=["ikm"],
    summary="Produk IKM (cari dengan ?q=)",
    parameters=form_parameters(ProductQueryForm),
)
class ProductList(generics.ListAPIView):
    serializer_class = ProductSerializer

    def get_queryset(self):
        params = validated_query(ProductQueryForm, self.request).cleaned_data
        return selectors.search_products(
            q=params["q"],
            category=selectors.category_by_slug(params["kategori"]),
            kecamatan=selectors.kecamatan_by_slug(params["kecamatan"]),
        )


@extend_schema(tags=["ikm"], summary="Satu produk IKM")
class ProductDetail(generics.RetrieveAPIView):
    serializer_class = ProductSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.public_products()


# Public, read-only: served from a streaming replica when one is configured (lib/db.py).
urlpatterns = [
    path("ikm/shops/", use_replica()(ShopList.as_view()), name="ikm-shops"),
    path("ikm/shops/<slug:slug>/", use_replica()(ShopDetail.as_view()), name="ikm-shop"),
    path("ikm/products/", use_replica()(ProductList.as_view()), name="ikm-products"),
    path("ikm/products/<slug:slug>/", use_replica()(ProductDetail.as_view()), name="ikm-product"),
]
