"""Writes of 999 IKM Online: the only place that changes IKM data.

Every function takes keyword-only arguments, validates with full_clean() and runs in
a transaction, so bad input changes nothing. Background work (photo renditions,
email to the owner) is enqueued with blitar_portal.lib.queue.enqueue_on_commit.
"""

import datetime
import logging
import secrets
import time
from datetime import timedelta
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blitar_portal.accounts.roles import IKM_OWNER
from blitar_portal.accounts.services import user_add_role
from blitar_portal.lib import media
from blitar_portal.lib.images import image_renditions, image_sanitize, image_validate
from blitar_portal.lib.queue import enqueue_on_commit
from blitar_portal.lib.validators import normalize_mobile, normalize_phone
from blitar_portal.notifications import services as notification_services

from .models import (
    MAX_PHOTOS,
    Category,
    Certification,
    GrowthReport,
    IkmTarget,
    Inquiry,
    Product,
    ProductPhoto,
    ProductStat,
    ReviewLog,
    ReviewStatus,
    Shop,
)
from .selectors import TARGET_CACHE_KEY, catalogue_version_set, public_product_rows, public_shops

logger = logging.getLogger(__name__)

MAX_MARKETPLACE_LINKS = 5
DEMO_MEDIA_PREFIX = "ikm/demo/"
# A photo still "processing" this long after its upload lost its task: the beat sweep renders it.
PHOTO_RENDER_GRACE = timedelta(minutes=2)
PUBLIC_PHOTO_PREFIX = "ikm/publik"
SHOP_FIELDS = (
    "name story kecamatan address location whatsapp nib kbli_sector legal_form year_founded workers "
    "monthly_capacity capacity_unit marketplace_links"
).split()
PRODUCT_FIELDS = (
    "name category description price price_negotiable unit min_order monthly_capacity stock_status is_active"
).split()


# --- helpers -------------------------------------------------------------------------


def unique_slug(model: Any, text: str, *, max_length: int = 120) -> str:
    """A slug from `text`, made unique with -2, -3…; set once and never changed (stable URLs)."""
    base = (slugify(text) or "ikm")[:max_length].strip("-") or "ikm"
    candidate, n = base, 1
    while model.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _clean_links(links: Any) -> Any:
    links = [link.strip() for link in (links or []) if link and link.strip()]
    if len(links) > MAX_MARKETPLACE_LINKS:
        raise ValidationError({"marketplace_links": _("Paling banyak 5 tautan marketplace.")})
    validate = URLValidator(schemes=["https", "http"])
    for link in links:
        try:
            validate(link)
        except ValidationError:
            raise ValidationError(
                {"marketplace_links": _("Tautan marketplace tidak valid: %(link)s") % {"link": link[:80]}}
            ) from None
    return links


def catalogue_changed() -> None:
    """Invalidate cached catalogue pages: now (this request) and again after commit
    (so a request that read the old rows in between cannot keep them cached)."""

    def bump() -> None:
        catalogue_version_set(time.time_ns())

    bump()
    transaction.on_commit(bump)


def _store_shop_image(file: UploadedFile, folder: str) -> Any:
    """Logo/banner: validate + sanitize through the image pipeline, save to private storage
    (published with the shop's photos while the shop is public)."""
    data = image_sanitize(image_validate(file))
    return media.private_storage().save(f"{folder}/{secrets.token_hex(8)}.jpg", ContentFile(data))


# --- owners and shops ---------------------------------------------------------------------


def owner_register(*, user: User) -> User:
    """Give a user the Pemilik IKM role (idempotent)."""
    return user_add_role(user=user, group_name=IKM_OWNER)


def _apply_shop_fields(shop: Shop, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in SHOP_FIELDS:
            raise TypeError(f"unknown shop field {name}")
        setattr(shop, name, value)
    shop.whatsapp = normalize_mobile(shop.whatsapp) if shop.whatsapp else ""
    if not shop.whatsapp:
        raise ValidationError({"whatsapp": _("Nomor WhatsApp wajib diisi.")})
    shop.marketplace_links = _clean_links(shop.marketplace_links)


@transaction.atomic
def shop_create(
    *, owner: User, logo: UploadedFile | None = None, banner: UploadedFile | None = None, **fields: Any
) -> Shop:
    if Shop.objects.filter(owner=owner).exists():
        raise ValidationError(_("Akun ini sudah memiliki toko. Satu akun mengelola satu toko IKM."))
    shop = Shop(owner=owner)
    try:
        _apply_shop_fields(shop, fields)
    except ValidationError as exc:
        raise _as_field_error(exc, "whatsapp") from None
    shop.slug = unique_slug(Shop, shop.name)
    shop.full_clean()
    shop.save()
    _shop_set_images(shop, logo=logo, banner=banner)
    shop_refresh_search(shop_id=shop.pk)
    return shop


@transaction.atomic
def shop_update(
    *, shop: Shop, logo: UploadedFile | None = None, banner: UploadedFile | None = None, **fields: Any
) -> Shop:
    try:
        _apply_shop_fields(shop, fields)
    except ValidationError as exc:
        raise _as_field_error(exc, "whatsapp") from None
    shop.full_clean()
    # Not the public copies of its images: only shop_images_sync writes those (the copy in memory may be stale).
    shop.save(
        update_fields=[f.name for f in Shop._meta.concrete_fields if not f.primary_key and f.name != "published_images"]
    )
    _shop_set_images(shop, logo=logo, banner=banner)
    shop_refresh_search(shop_id=shop.pk)
    product_refresh_search(product_ids=list(shop.products.values_list("pk", flat=True)))
    catalogue_changed()
    return shop


def _as_field_error(exc: ValidationError, field: str) -> ValidationError:
    return exc if hasattr(exc, "error_dict") else ValidationError({field: exc.messages})


def _shop_set_images(shop: Shop, *, logo: UploadedFile | None, banner: UploadedFile | None) -> None:
    changed = []
    try:
        if logo:
            shop.logo.name = _store_shop_image(logo, "ikm/logo")
            changed.append("logo")
        if banner:
            shop.banner.name = _store_shop_image(banner, "ikm/banner")
            changed.append("banner")
    except ValidationError as exc:
        raise ValidationError({"logo" if "logo" not in changed and logo else "banner": exc.messages}) from None
    if changed:
        stale = Shop.objects.filter(pk=shop.pk).values_list("published_images", flat=True).first()
        shop.published_images = {}
        shop.save(update_fields=[*changed, "published_images"])
        transaction.on_commit(lambda: _withdraw(stale))
        _shop_images_sync_on_commit(shop)


@transaction.atomic
def shop_submit(*, shop: Shop) -> Shop:
    """Owner asks Diskominfo to verify the shop: refused, with the list of what is missing, until
    the government data and a product are there (`selectors.shop_missing_for_verification`)."""
    from .selectors import shop_missing_for_verification

    if shop.status not in (Shop.Status.DRAFT,):
        raise ValidationError(_("Toko ini tidak dalam status draf."))
    missing = shop_missing_for_verification(shop)
    if missing:
        raise ValidationError([str(item) for item in missing], code="incomplete")
    return _shop_set_status(shop=shop, status=Shop.Status.PENDING, reason="", user=shop.owner)


# The review history's action for each status a shop is moved to (from → to decides "restored").
_LOG_ACTIONS = {
    Shop.Status.PENDING: ReviewLog.Action.SUBMITTED,
    Shop.Status.VERIFIED: ReviewLog.Action.VERIFIED,
    Shop.Status.SUSPENDED: ReviewLog.Action.SUSPENDED,
    Shop.Status.DRAFT: ReviewLog.Action.REJECTED,
}


def _shop_set_status(*, shop: Shop, status: str, reason: str, user: User | None = None) -> Shop:
    restored = shop.status == Shop.Status.SUSPENDED and status == Shop.Status.VERIFIED
    shop.status = status
    shop.status_reason = reason
    shop.status_changed_at = timezone.now()
    if status == Shop.Status.VERIFIED and shop.verified_at is None:
        shop.verified_at = shop.status_changed_at
    shop.full_clean()
    shop.save(update_fields=["status", "status_reason", "status_changed_at", "verified_at", "updated_at"])
    action = ReviewLog.Action.RESTORED if restored else _LOG_ACTIONS[Shop.Status(status)]
    ReviewLog.objects.create(shop=shop, action=action, reason=reason[:600], user=user)
    events: dict[str, str] = {
        Shop.Status.VERIFIED: "ikm_shop_verified",
        Shop.Status.SUSPENDED: "ikm_shop_suspended",
        Shop.Status.DRAFT: "ikm_shop_rejected",
    }
    event = events.get(status)
    if event:
        _notify_owner(shop, event, source=shop, key=shop.status_changed_at.isoformat(), reason=reason)
    catalogue_changed()
    _photos_sync_on_commit(ProductPhoto.objects.filter(product__shop=shop))
    _shop_images_sync_on_commit(shop)
    return shop


def _lock_status(shop: Shop) -> None:
    """Lock the shop's row and take its status from the database: a stale copy (a review page open in two
    tabs, two staff on one queue) must not verify or suspend it twice, nor tell the owner twice."""
    row = Shop.objects.select_for_update().filter(pk=shop.pk).values("status", "status_reason", "verified_at").first()
    if row is not None:
        shop.status, shop.status_reason, shop.verified_at = row["status"], row["status_reason"], row["verified_at"]


@transaction.atomic
def shop_verify(*, shop: Shop, reason: str = "", user: User | None = None) -> Shop:
    _lock_status(shop)
    if shop.status == Shop.Status.VERIFIED:
        return shop
    return _shop_set_status(shop=shop, status=Shop.Status.VERIFIED, reason=reason.strip(), user=user)


@transaction.atomic
def shop_reject(*, shop: Shop, reason: str, user: User | None = None) -> Shop:
    """Diskominfo turns down a shop waiting for verification: back to draft with the reason, so the
    owner can fix it and submit again (shop_submit); the owner is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan."), code="no_reason")
    _lock_status(shop)
    if shop.status != Shop.Status.PENDING:
        raise ValidationError(_("Toko ini tidak sedang menunggu verifikasi."), code="decided")
    return _shop_set_status(shop=shop, status=Shop.Status.DRAFT, reason=reason, user=user)


@transaction.atomic
def shop_suspend(*, shop: Shop, reason: str, user: User | None = None) -> Shop:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan penangguhan wajib diisi: pemilik toko perlu tahu apa yang harus diperbaiki."))
    _lock_status(shop)
    if shop.status == Shop.Status.SUSPENDED and shop.status_reason == reason:
        return shop  # the same suspension again (a repeated click): nothing changes, nothing is sent
    return _shop_set_status(shop=shop, status=Shop.Status.SUSPENDED, reason=reason, user=user)


@transaction.atomic
def shop_restore(*, shop: Shop, reason: str = "", user: User | None = None) -> Shop:
    _lock_status(shop)
    if shop.status != Shop.Status.SUSPENDED:
        raise ValidationError(_("Hanya toko yang ditangguhkan yang dapat dipulihkan."))
    return _shop_set_status(shop=shop, status=Shop.Status.VERIFIED, reason=reason.strip(), user=user)


@transaction.atomic
def shop_save_by_staff(*, shop: Shop, logo: UploadedFile | None = None, banner: UploadedFile | None = None) -> Shop:
    """Diskominfo's edit of a shop in the admin: the owner's rules (shop_update), then the same side effects.

    `shop` already carries the edited values; uploads go through the image pipeline like the owner's.
    """
    return shop_update(shop=shop, logo=logo, banner=banner, **{name: getattr(shop, name) for name in SHOP_FIELDS})


@transaction.atomic
def shop_delete(*, shop: Shop) -> None:
    """Remove a shop with its products and photos for good (superusers only: staff suspend instead).

    Cached catalogue pages are invalidated and the files are removed after commit.
    """
    photos = list(ProductPhoto.objects.filter(product__shop=shop))
    images = [image.name for image in (shop.logo, shop.banner) if image]
    published = shop.published_images
    shop.delete()
    catalogue_changed()

    def remove_files() -> None:
        for photo in photos:
            _delete_photo_files(photo)
        _withdraw(published)
        media.paths_delete(media.private_storage(), images)

    transaction.on_commit(remove_files)


def shop_refresh_search(*, shop_id: int | None = None, shop_ids: list[int] | None = None) -> None:
    ids = list(shop_ids or []) + ([shop_id] if shop_id else [])
    if not ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE ikm_shop SET search_vector =
                setweight(to_tsvector('simple', coalesce(name, '')), 'A')
                || setweight(to_tsvector('indonesian', coalesce(story, '')), 'C')
            WHERE id = ANY(%s)
            """,
            [ids],
        )


# --- categories (Diskominfo, in the admin) -------------------------------------------------------


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a category; its name is part of every product's search vector, so those are rebuilt."""
    category.full_clean()
    category.save()
    ids = Product.objects.filter(Q(category=category) | Q(category__parent=category)).values_list("pk", flat=True)
    product_refresh_search(product_ids=list(ids))
    catalogue_changed()
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    category.delete()  # PROTECT: a category with products or children cannot be deleted
    catalogue_changed()


# --- certifications --------------------------------------------------------------------------


@transaction.atomic
def certification_save(
    *,
    shop: Shop,
    kind: str,
    number: str,
    expires_on: datetime.date | None = None,
    issued_on: datetime.date | None = None,
    certification: Certification | None = None,
) -> Certification:
    cert = certification or Certification(shop=shop)
    if cert.shop_id != shop.pk:
        raise ValidationError(_("Sertifikat ini bukan milik toko Anda."))
    if issued_on and issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Tanggal terbit tidak boleh di masa depan.")})
    if issued_on and expires_on and expires_on < issued_on:
        raise ValidationError({"expires_on": _("Tanggal berlaku harus sesudah tanggal terbit.")})
    cert.kind, cert.number, cert.expires_on = kind, (number or "").strip(), expires_on
    cert.issued_on = issued_on
    cert.full_clean()
    cert.save()
    catalogue_changed()
    return cert


@transaction.atomic
def certification_delete(*, certification: Certification) -> None:
    certification.delete()
    catalogue_changed()


# --- products ------------------------------------------------------------------------------------


def _apply_product_fields(product: Product, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise TypeError(f"unknown product field {name}")
        setattr(product, name, value)


@transaction.atomic
def product_create(*, shop: Shop, photos: list[UploadedFile] | None = None, **fields: Any) -> Product:
    """A product and, chosen with it, its photos: all saved, or nothing (a bad photo: a "photos" error)."""
    product = Product(shop=shop)
    _apply_product_fields(product, fields)
    product.slug = unique_slug(Product, f"{product.name} {shop.name}", max_length=150)
    product.full_clean()
    product.save()
    if photos:
        product_photos_add(product=product, files=photos, field="photos")
    product_refresh_search(product_ids=[product.pk])
    catalogue_changed()
    return product


@transaction.atomic
def product_update(*, product: Product, **fields: Any) -> Product:
    _apply_product_fields(product, fields)
    if product.review_status == ReviewStatus.REJECTED:
        # The owner fixed what was rejected: back into the review queue (and the catalogue).
        product.review_status = ReviewStatus.PENDING
    product.full_clean()
    product.save()
    product_refresh_search(product_ids=[product.pk])
    catalogue_changed()
    _photos_sync_on_commit(product.photos.all())  # `is_active` decides whether its photos are public
    return product


@transaction.atomic
def product_save_by_staff(*, product: Product) -> Product:
    """Diskominfo's edit of a product in the admin (including "featured"): same rules and side effects."""
    return product_update(product=product, **{name: getattr(product, name) for name in PRODUCT_FIELDS})


def _product_set_review(*, product: Product, status: str, reason: str, user: User | None) -> Product:
    product.review_status = status
    product.review_reason = reason[:600]
    product.full_clean()
    product.save(update_fields=["review_status", "review_reason", "updated_at"])
    verified = status == ReviewStatus.VERIFIED
    action = ReviewLog.Action.VERIFIED if verified else ReviewLog.Action.REJECTED
    ReviewLog.objects.create(shop=product.shop, product=product, action=action, reason=reason[:600], user=user)
    _notify_owner(
        product.shop,
        "ikm_product_verified" if verified else "ikm_product_rejected",
        source=product,
        key=f"{status}:{timezone.now().isoformat()}",
        product=product.name[:60],
        reason=reason,
        url=f"{settings.SITE_URL}/ikm/toko-saya/produk/{product.pk}/",
    )
    catalogue_changed()
    _photos_sync_on_commit(product.photos.all())  # a rejected product is not public: its photos are withdrawn
    return product


def _product_check_pending(product: Product) -> None:
    if product.review_status != ReviewStatus.PENDING:
        raise ValidationError(_("Produk ini tidak sedang menunggu verifikasi."), code="decided")


@transaction.atomic
def product_verify(*, product: Product, user: User | None = None) -> Product:
    """Diskominfo checked a product in the review queue: it stays in the catalogue; the owner is told."""
    _product_check_pending(product)
    return _product_set_review(product=product, status=ReviewStatus.VERIFIED, reason="", user=user)


@transaction.atomic
def product_reject(*, product: Product, reason: str, user: User | None = None) -> Product:
    """Diskominfo turns a product down: hidden from the catalogue until the owner edits it; the owner is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan."), code="no_reason")
    _product_check_pending(product)
    return _product_set_review(product=product, status=ReviewStatus.REJECTED, reason=reason, user=user)


@transaction.atomic
def product_delete(*, product: Product) -> None:
    photos = list(product.photos.all())
    product.delete()
    catalogue_changed()
    transaction.on_commit(lambda: [_delete_photo_files(photo) for photo in photos])  # type: ignore[func-returns-value]


def product_refresh_search(*, product_ids: list[int]) -> None:
    """Rebuild the stored search vector and trigram text of these products (one UPDATE),
    and add their words to the spelling vocabulary (`SearchWord`)."""
    if not product_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE ikm_product p SET
              search_vector =
                setweight(to_tsvector('simple', coalesce(p.name, '')), 'A')
                || setweight(to_tsvector('simple', coalesce(c.name, '') || ' ' || coalesce(pc.name, '')), 'B')
                || setweight(to_tsvector('simple', coalesce(s.name, '')), 'B')
                || setweight(to_tsvector('indonesian', coalesce(p.description, '')), 'C'),
              search_text = lower(p.name || ' ' || s.name || ' ' || c.name)
            FROM ikm_shop s, ikm_category c LEFT JOIN ikm_category pc ON pc.id = c.parent_id
            WHERE s.id = p.shop_id AND c.id = p.category_id AND p.id = ANY(%s)
            """,
            [list(product_ids)],
        )
        cursor.execute(SEARCH_WORDS_INSERT, [list(product_ids)])


# The words of these products' `search_text` (3 to 100 characters) into the spelling vocabulary.
SEARCH_WORDS_INSERT = """
    INSERT INTO ikm_searchword (word)
    SELECT DISTINCT w.word FROM ikm_product p
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('simple', p.search_text))) AS w(word)
    WHERE p.id = ANY(%s) AND length(w.word) BETWEEN 3 AND 100
    ON CONFLICT DO NOTHING
"""


# --- photos ---------------------------------------------------------------------------------------


@transaction.atomic
def product_photo_add(*, product: Product, file: UploadedFile, alt_text: str = "") -> ProductPhoto:
    """Validate an upload, keep the original private, enqueue the renditions."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if product.photos.count() >= MAX_PHOTOS:
        raise ValidationError(_("Paling banyak %(n)s foto per produk.") % {"n": MAX_PHOTOS})
    uploaded = image_validate(file)
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[uploaded.format]
    position = (product.photos.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    photo = ProductPhoto(product=product, position=position, alt_text=(alt_text or product.name)[:200])
    photo.original.save(f"{secrets.token_hex(12)}.{ext}", ContentFile(uploaded.data), save=False)
    photo.full_clean()
    photo.save()
    from .tasks import product_photo_render

    enqueue_on_commit(product_photo_render, photo.pk)  # broker down: product_photos_render_pending catches up
    return photo


@transaction.atomic
def product_photos_add(
    *, product: Product, files: list[UploadedFile], alt_text: str = "", field: str = "photo"
) -> list[ProductPhoto]:
    """Several photos at once, in the order chosen: every file is checked first (a message per bad
    file, under `field`), then all are saved, or none."""
    current = product.photos.count()
    if current + len(files) > MAX_PHOTOS:
        message = _("Paling banyak %(n)s foto per produk.") % {"n": MAX_PHOTOS}
        if current < MAX_PHOTOS:
            message += " " + _("Masih bisa %(left)s foto lagi.") % {"left": MAX_PHOTOS - current}
        raise ValidationError({field: message})
    problems: list[str] = []
    for file in files:
        try:
            image_validate(file)
        except ValidationError as exc:
            problems.extend(f"{file.name}: {message}" for message in exc.messages)
    if problems:
        raise ValidationError({field: problems})
    return [product_photo_add(product=product, file=file, alt_text=alt_text) for file in files]


def product_photos_render_pending(*, older_than: Any = PHOTO_RENDER_GRACE) -> int:
    """The safety net of product_photo_render (beat): render photos still "processing" after
    `older_than` (their task was lost, e.g. the broker was down at upload). Returns how many."""
    stuck = ProductPhoto.objects.filter(
        status=ProductPhoto.Status.PROCESSING, created_at__lt=timezone.now() - older_than
    ).values_list("pk", flat=True)
    photo_ids = list(stuck)
    for photo_id in photo_ids:
        product_photo_render(photo_id=photo_id)
    return len(photo_ids)


def product_photo_render(*, photo_id: int) -> None:
    """Make the thumbnail/card/large renditions (WebP + JPEG) of one photo in private storage,
    then publish them if its product is public. Idempotent."""
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    try:
        with photo.original.open("rb") as handle:
            sanitized = image_sanitize(image_validate(handle))
        renditions = media.renditions_save(f"ikm/photos/{photo.pk}", image_renditions(sanitized))
    except (ValidationError, OSError) as exc:
        ProductPhoto.objects.filter(pk=photo_id).update(status=ProductPhoto.Status.FAILED, error=str(exc)[:200])
        return None
    with transaction.atomic():
        stale = ProductPhoto.objects.select_for_update().values_list("published", flat=True).get(pk=photo_id)
        # A photo of a public product is ready only once it is published (pages link the copies at once).
        public = public_product_rows().filter(pk=photo.product_id).exists()
        ProductPhoto.objects.filter(pk=photo_id).update(
            renditions=renditions,
            published=photo_renditions_publish(renditions) if public else {},
            status=ProductPhoto.Status.READY,
            error="",
        )
        transaction.on_commit(lambda: _withdraw(stale))
    product_photos_sync(photo_ids=[photo_id])  # the shop's status may have changed meanwhile
    catalogue_changed()
    return renditions


def _withdraw(published: Any) -> None:
    # Demo photos share their public copies between many products: those stay.
    media.renditions_withdraw(published, keep_prefix=DEMO_MEDIA_PREFIX)


def product_photos_sync(*, photo_ids: list[int]) -> bool:
    """Make the public copies of these photos' renditions match their product's visibility
    (idempotent): published under a random folder while the product is public
    (`public_product_rows`: active, of a verified shop), withdrawn otherwise."""
    changed = False
    with transaction.atomic():
        rows = list(
            ProductPhoto.objects.select_for_update()
            .filter(pk__in=list(photo_ids), status=ProductPhoto.Status.READY)
            .values("pk", "product_id", "renditions", "published")
            .order_by("pk")
        )
        public = set(public_product_rows().filter(pk__in={r["product_id"] for r in rows}).values_list("pk", flat=True))
        for row in rows:
            if row["product_id"] in public and row["renditions"] and not row["published"]:
                published = photo_renditions_publish(row["renditions"])
            elif row["product_id"] not in public and row["published"]:
                published, stale = {}, row["published"]
                transaction.on_commit(lambda stale=stale: _withdraw(stale))  # type: ignore[misc]
            else:
                continue
            ProductPhoto.objects.filter(pk=row["pk"]).update(published=published)
            changed = True
        if changed:
            catalogue_changed()
    return changed


def shop_images_of(shop: Shop) -> dict:
    """The shop's logo and banner in the renditions shape of blitar_portal/lib/media.py (private paths)."""
    return {name: {"jpeg": getattr(shop, name).name} for name in ("logo", "banner") if getattr(shop, name)}


def shop_images_sync(*, shop_id: int) -> None:
    """Publish the logo and banner of a public shop (`public_shops`) under a random name, withdraw
    them from any other shop (idempotent)."""
    with transaction.atomic():
        shop = Shop.objects.select_for_update().only("logo", "banner", "published_images").filter(pk=shop_id).first()
        if shop is None:
            return
        public = public_shops().filter(pk=shop_id).exists()
        images = shop_images_of(shop)
        if public and images and not shop.published_images:
            published = media.renditions_publish(images, PUBLIC_PHOTO_PREFIX)
        elif not public and shop.published_images:
            published, stale = {}, shop.published_images
            transaction.on_commit(lambda: _withdraw(stale))
        else:
            return
        Shop.objects.filter(pk=shop_id).update(published_images=published)


def _shop_images_sync_on_commit(shop: Shop) -> None:
    shop_id = shop.pk
    transaction.on_commit(lambda: shop_images_sync(shop_id=shop_id))


def _photos_sync_on_commit(photos: Any) -> None:
    """After the change commits, publish or withdraw these photos in this process: a withdrawal must
    not wait for a broker (nor be lost when it is down)."""
    photo_ids = list(photos.values_list("pk", flat=True))
    if photo_ids:
        transaction.on_commit(lambda: product_photos_sync(photo_ids=photo_ids))


def product_photos_sync_all(*, stdout: TextIO | None = None) -> tuple:
    """Repair/upgrade: move renditions an older version wrote to public storage (predictable
    `ikm/photos/<id>/…` and `ikm/demo/…` URLs) into private storage, then publish the photos of
    public products and withdraw all others. Idempotent."""
    paths: set[str] = set()
    for renditions in ProductPhoto.objects.exclude(renditions={}).values_list("renditions", flat=True).iterator():
        paths.update(entry[fmt] for entry in renditions.values() for fmt in media.FORMATS if entry.get(fmt))
    for logo, banner in Shop.objects.values_list("logo", "banner").iterator():
        paths.update(path for path in (logo, banner) if path)
    moved = sum(media.move_to_private(path) for path in sorted(paths))
    shop_ids = [
        *public_shops().filter(published_images={}).exclude(logo="", banner="").values_list("pk", flat=True),
        *Shop.objects.exclude(pk__in=public_shops().values("pk"))
        .exclude(published_images={})
        .values_list("pk", flat=True),
    ]
    for shop_id in shop_ids:
        shop_images_sync(shop_id=shop_id)
    ready = ProductPhoto.objects.filter(status=ProductPhoto.Status.READY)
    ids = [
        *ready.filter(published={}, product__in=public_product_rows()).values_list("pk", flat=True),
        *ready.exclude(published={}).exclude(product__in=public_product_rows()).values_list("pk", flat=True),
    ]
    for start in range(0, len(ids), 500):
        product_photos_sync(photo_ids=ids[start : start + 500])
    if stdout is not None:
        stdout.write(
            f"  ikm: {moved} files moved to private storage, {len(ids)} photos and {len(shop_ids)} shops' "
            "logos/banners published/withdrawn"
        )
    return moved, len(ids) + len(shop_ids)


def photo_renditions_publish(renditions: Any) -> dict[str, Any]:
    """Public copies of one photo's renditions. Demo renditions (one image shared by many demo products)
    get one shared copy, in a folder named by a keyed hash of their private folder (unguessable without
    SECRET_KEY, the same for every product that shares it)."""
    first = next((entry.get("jpeg") for entry in renditions.values() if entry.get("jpeg")), "")
    if first.startswith(DEMO_MEDIA_PREFIX):
        folder = first.rsplit("/", 1)[0]
        token = salted_hmac("ikm.demo-photo", folder).hexdigest()[:24]
        return media.renditions_publish(renditions, DEMO_MEDIA_PREFIX + "publik", token=token)
    return media.renditions_publish(renditions, PUBLIC_PHOTO_PREFIX)


@transaction.atomic
def product_photos_reorder(*, product: Product, photo_ids: list[int]) -> None:
    photos = {p.pk: p for p in product.photos.all()}
    ordered = [int(pk) for pk in photo_ids if str(pk).isdigit() and int(pk) in photos]
    if sorted(ordered) != sorted(photos):
        raise ValidationError(_("Urutan foto tidak cocok dengan foto produk ini."))
    for position, pk in enumerate(ordered, start=1):
        ProductPhoto.objects.filter(pk=pk).update(position=position)
    catalogue_changed()


@transaction.atomic
def product_photo_update(*, photo: ProductPhoto, alt_text: str) -> ProductPhoto:
    photo.alt_text = (alt_text or "").strip()[:200]
    photo.full_clean()
    photo.save(update_fields=["alt_text"])
    catalogue_changed()
    return photo


@transaction.atomic
def product_photo_delete(*, photo: ProductPhoto) -> None:
    photo.delete()
    catalogue_changed()
    transaction.on_commit(lambda: _delete_photo_files(photo))


def _delete_photo_files(photo: ProductPhoto) -> None:
    if photo.original.name.startswith(DEMO_MEDIA_PREFIX):
        return  # demo photos share a small set of files between many products
    _withdraw(photo.published)
    try:
        photo.original.delete(save=False)
    except OSError as exc:
        logger.warning("Could not delete the original of photo %s: %s", photo.pk, exc)
    media.renditions_delete(photo.renditions)


# --- buyers: inquiries and counters ------------------------------------------------------------


def product_stat_increment(*, product_id: int, field: str, day: datetime.date | None = None) -> None:
    """Add one to today's views / wa_clicks / inquiries counter of a product."""
    if field not in ("views", "wa_clicks", "inquiries"):
        raise ValueError(field)
    day = day or timezone.localdate()
    if ProductStat.objects.filter(product_id=product_id, date=day).update(**{field: F(field) + 1}):
        return
    try:
        with transaction.atomic():
            ProductStat.objects.create(product_id=product_id, date=day, **{field: 1})
    except IntegrityError:  # another request created today's row first
        ProductStat.objects.filter(product_id=product_id, date=day).update(**{field: F(field) + 1})


@transaction.atomic
def inquiry_create(*, product: Product, buyer_name: str, buyer_phone: str, quantity: int, message: str) -> Inquiry:
    try:
        phone = normalize_phone(buyer_phone)
    except ValidationError as exc:
        raise ValidationError({"buyer_phone": exc.messages}) from None
    inquiry = Inquiry(
        product=product,
        buyer_name=(buyer_name or "").strip(),
        buyer_phone=phone,
        quantity=quantity,
        message=(message or "").strip(),
    )
    inquiry.full_clean()
    inquiry.save()
    product_stat_increment(product_id=product.pk, field="inquiries")
    # The owner is told through the outbox (consent, channels); the inquiry waits in "Toko Saya" anyway.
    _notify_owner(
        product.shop,
        "ikm_inquiry_new",
        source=inquiry,
        product=product.name[:60],
        name=inquiry.buyer_name,
        qty=str(inquiry.quantity),
        url=f"{settings.SITE_URL}/ikm/toko-saya/pesan/",
    )
    return inquiry


def _notify_owner(shop: Shop, event: str, *, source: Any, key: str = "", **payload: str) -> list:
    payload = {"shop": shop.name, "url": f"{settings.SITE_URL}/ikm/toko-saya/", **payload}
    return notification_services.notify(event=event, payload=payload, source=source, user=shop.owner, key=key)


def certifications_expiry_notify(*, today: datetime.date | None = None) -> int:
    """Owners of certificates expiring in 60/30/7 days (settings): once per certificate, threshold and date."""
    today = today or timezone.localdate()
    count = 0
    for days in sorted(settings.NOTIFICATIONS_CERT_EXPIRY_DAYS):
        expiring = Certification.objects.filter(
            expires_on__gt=today, expires_on__lte=today + timedelta(days=days)
        ).select_related("shop__owner")
        for cert in expiring:
            expires_on = cert.expires_on
            if expires_on is None:  # excluded by the filter; narrows the type
                continue
            left = (expires_on - today).days
            if any(left <= smaller for smaller in settings.NOTIFICATIONS_CERT_EXPIRY_DAYS if smaller < days):
                continue  # a smaller threshold covers it (e.g. 5 days left: the 7-day notice only)
            with transaction.atomic():
                count += bool(
                    _notify_owner(
                        cert.shop,
                        "ikm_certificate_expiring",
                        source=cert,
                        key=f"{days}:{expires_on.isoformat()}",
                        kind=str(Certification.Kind(cert.kind).label),
                        number=cert.number,
                        date=expires_on.strftime("%d-%m-%Y"),
                        days=str(left),
                        url=f"{settings.SITE_URL}/ikm/toko-saya/sertifikat/",
                    )
                )
    return count


@transaction.atomic
def inquiry_set_status(*, inquiry: Inquiry, status: str) -> Inquiry:
    if status not in Inquiry.Status.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    inquiry.status = status
    inquiry.save(update_fields=["status"])
    return inquiry


# --- growth reports ----------------------------------------------------------------------------------


@transaction.atomic
def growth_report_create(
    *,
    shop: Shop,
    period_start: datetime.date,
    period_end: datetime.date,
    output: Any,
    capacity: int,
    unit: str,
    workers: int,
    omzet: int,
    notes: str = "",
) -> GrowthReport:
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("Akhir periode harus sesudah awal periode.")})
    if period_end and period_end > timezone.localdate():
        raise ValidationError({"period_end": _("Akhir periode tidak boleh di masa depan.")})
    report = GrowthReport(
        shop=shop,
        period_start=period_start,
        period_end=period_end,
        output=output,
        capacity=capacity,
        unit=unit,
        workers=workers,
        omzet=omzet,
        notes=(notes or "").strip(),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def ikm_target_set(*, target: int, target_date: datetime.date, user: User) -> IkmTarget:
    """Diskominfo's IKM online target (one row). The home page, /ikm/ and the dashboard show it at once."""
    row = IkmTarget.objects.first() or IkmTarget(target_date=target_date)
    row.target = target
    row.target_date = target_date
    row.updated_by = user
    row.full_clean()
    row.save()

    def forget() -> None:
        cache.delete(TARGET_CACHE_KEY)

    forget()
    transaction.on_commit(forget)  # a request that read the old row in between must not keep it cached
    catalogue_changed()  # /ikm/ shows the target in its cached front page
    return row
