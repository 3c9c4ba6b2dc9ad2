"""IKM shops and products on Diskominfo's review pages (blitar_portal/lib/review.py): the queues, the
items' pages and the decisions, all through ikm's selectors and services."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from blitar_portal.lib.review import ReviewKind

from . import selectors, services
from .models import Product, Shop
from .templatetags.ikm_tags import rendition_url, shop_image_url

SHOP_REASONS = [
    ("data", _("Data usaha belum lengkap atau tidak sesuai")),
    ("nib", _("NIB tidak valid atau bukan milik usaha ini")),
    ("ganda", _("Toko ini sudah terdaftar (data ganda)")),
    ("foto", _("Foto produk belum menunjukkan produk yang dijual")),
    ("bukan-ikm", _("Usaha ini bukan industri kecil menengah di Kabupaten Blitar")),
]
PRODUCT_REASONS = [
    ("foto", _("Foto tidak menunjukkan produk")),
    ("harga", _("Harga tidak wajar atau tidak jelas")),
    ("deskripsi", _("Nama atau deskripsi tidak sesuai dengan produk")),
    ("ganda", _("Produk ini sudah ada di toko yang sama (data ganda)")),
    ("terlarang", _("Produk tidak boleh dijual di katalog")),
]


def _owner_name(shop: Shop) -> str:
    return shop.owner.get_full_name() or shop.owner.username


def _shop_details(shop: Shop) -> dict[str, Any]:
    products = list(selectors.shop_products_for_review(shop))
    photos = [
        {"url": rendition_url(photo, "large"), "alt": photo.alt_text or product.name}
        for product in products
        for photo in product.ready_photos[:1]
        if rendition_url(photo, "large")
    ]
    images = [
        {"url": url, "alt": str(label)}
        for name, label in (("logo", _("Logo")), ("banner", _("Banner")))
        if (url := shop_image_url(shop, name))
    ]
    return {
        "photos": images + photos,
        "point": shop.location,
        "products": products,
        "duplicates": list(selectors.shop_duplicates(shop)),
        "history": list(selectors.review_log(shop=shop)),
    }


def _product_details(product: Product) -> dict[str, Any]:
    shop = product.shop
    return {
        "photos": [
            {"url": rendition_url(photo, "large"), "alt": photo.alt_text or product.name}
            for photo in product.ready_photos
            if rendition_url(photo, "large")
        ],
        "point": shop.location,
        "duplicates": list(selectors.product_duplicates(product)),
        "history": list(selectors.review_log(shop=shop, product=product)),
    }


SHOP_KIND = ReviewKind(
    slug="toko",
    title=_("Toko IKM"),
    model=Shop,
    queue=selectors.shops_review_queue,
    order=("status_changed_at", "id"),
    get=selectors.shop_for_review,
    verify=lambda *, item, user: services.shop_verify(shop=item, user=user),
    reject=lambda *, item, user, reason: services.shop_reject(shop=item, user=user, reason=reason),
    reasons=SHOP_REASONS,
    details=_shop_details,
    item_template="dashboard/review/shop.html",
    row_template="dashboard/review/shop_row.html",
    owner_of=_owner_name,
)

PRODUCT_KIND = ReviewKind(
    slug="produk",
    title=_("Produk IKM"),
    model=Product,
    queue=selectors.products_review_queue,
    order=("created_at", "id"),
    get=selectors.product_for_review,
    verify=lambda *, item, user: services.product_verify(product=item, user=user),
    reject=lambda *, item, user, reason: services.product_reject(product=item, user=user, reason=reason),
    reasons=PRODUCT_REASONS,
    details=_product_details,
    item_template="dashboard/review/product.html",
    row_template="dashboard/review/product_row.html",
    owner_of=lambda product: _owner_name(product.shop),
    status_of=lambda product: str(product.get_review_status_display()),
)

KINDS = {SHOP_KIND.slug: SHOP_KIND, PRODUCT_KIND.slug: PRODUCT_KIND}
