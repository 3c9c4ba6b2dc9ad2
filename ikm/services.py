"""Writes of 999 IKM Online: the only place that changes IKM data.

Every function takes keyword-only arguments, validates with full_clean() and runs in
a transaction, so bad input changes nothing. Background work (photo renditions,
email to the owner) is enqueued with transaction.on_commit.
"""

import logging
import secrets
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from blitar_portal.accounts.roles import IKM_OWNER
from blitar_portal.accounts.services import user_add_role
from blitar_portal.lib.images import image_renditions, image_sanitize, image_validate
from blitar_portal.lib.validators import normalize_mobile, normalize_phone

from .models import (
    MAX_PHOTOS,
    Certification,
    GrowthReport,
    Inquiry,
    Product,
    ProductPhoto,
    ProductStat,
    Shop,
)
from .selectors import catalogue_version_set

logger = logging.getLogger(__name__)

MAX_MARKETPLACE_LINKS = 5
DEMO_MEDIA_PREFIX = "ikm/demo/"
SHOP_FIELDS = (
    "name story kecamatan address location whatsapp nib kbli_sector legal_form year_founded workers "
    "monthly_capacity capacity_unit marketplace_links"
).split()
PRODUCT_FIELDS = (
    "name category description price price_negotiable unit min_order monthly_capacity stock_status is_active"
).split()


# --- helpers -------------------------------------------------------------------------


def unique_slug(model, text, *, max_length=120):
    """A slug from `text`, made unique with -2, -3…; set once and never changed (stable URLs)."""
    base = (slugify(text) or "ikm")[:max_length].strip("-") or "ikm"
    candidate, n = base, 1
    while model.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _clean_links(links):
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


def _enqueue(task, *args, sync_fallback=False):
    """Send a Celery task after commit. If the broker is down and `sync_fallback`, run it here.

    Photo renditions use the fallback (a broker outage must not leave photos
    "sedang diproses" forever); emails do not (they are not worth a slow request).
    """

    def send():
        try:
            task.apply_async(args=args, retry=False)
        except Exception as exc:  # noqa: BLE001 - any broker failure
            logger.warning("Broker unavailable for %s: %s", task.name, exc)
            if sync_fallback:
                task.run(*args)

    transaction.on_commit(send)


def catalogue_changed():
    """Invalidate cached catalogue pages: now (this request) and again after commit
    (so a request that read the old rows in between cannot keep them cached)."""

    def bump():
        catalogue_version_set(time.time_ns())

    bump()
    transaction.on_commit(bump)


def _store_public_image(file, folder):
    """Logo/banner: validate + sanitize through the image pipeline, save to public storage."""
    data = image_sanitize(image_validate(file))
    return default_storage.save(f"{folder}/{secrets.token_hex(8)}.jpg", ContentFile(data))


# --- owners and shops ---------------------------------------------------------------------


def owner_register(*, user):
    """Give a user the Pemilik IKM role (idempotent)."""
    return user_add_role(user=user, group_name=IKM_OWNER)


def _apply_shop_fields(shop, fields):
    for name, value in fields.items():
        if name not in SHOP_FIELDS:
            raise TypeError(f"unknown shop field {name}")
        setattr(shop, name, value)
    shop.whatsapp = normalize_mobile(shop.whatsapp) if shop.whatsapp else ""
    if not shop.whatsapp:
        raise ValidationError({"whatsapp": _("Nomor WhatsApp wajib diisi.")})
    shop.marketplace_links = _clean_links(shop.marketplace_links)


@transaction.atomic
def shop_create(*, owner, logo=None, banner=None, **fields):
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
def shop_update(*, shop, logo=None, banner=None, **fields):
    try:
        _apply_shop_fields(shop, fields)
    except ValidationError as exc:
        raise _as_field_error(exc, "whatsapp") from None
    shop.full_clean()
    shop.save()
    _shop_set_images(shop, logo=logo, banner=banner)
    shop_refresh_search(shop_id=shop.pk)
    product_refresh_search(product_ids=list(shop.products.values_list("pk", flat=True)))
    catalogue_changed()
    return shop


def _as_field_error(exc, field):
    return exc if hasattr(exc, "error_dict") else ValidationError({field: exc.messages})


def _shop_set_images(shop, *, logo, banner):
    changed = []
    try:
        if logo:
            shop.logo.name = _store_public_image(logo, "ikm/logo")
            changed.append("logo")
        if banner:
            shop.banner.name = _store_public_image(banner, "ikm/banner")
            changed.append("banner")
    except ValidationError as exc:
        raise ValidationError({"logo" if "logo" not in changed and logo else "banner": exc.messages}) from None
    if changed:
        shop.save(update_fields=changed)


@transaction.atomic
def shop_submit(*, shop):
    """Owner asks Diskominfo to verify the shop."""
    if shop.status not in (Shop.Status.DRAFT,):
        raise ValidationError(_("Toko ini tidak dalam status draf."))
    if not shop.products.exists():
        raise ValidationError(_("Tambahkan minimal satu produk sebelum mengajukan verifikasi."))
    return _shop_set_status(shop=shop, status=Shop.Status.PENDING, reason="")


def _shop_set_status(*, shop, status, reason):
    shop.status = status
    shop.status_reason = reason
    shop.status_changed_at = timezone.now()
    if status == Shop.Status.VERIFIED and shop.verified_at is None:
        shop.verified_at = shop.status_changed_at
    shop.full_clean()
    shop.save(update_fields=["status", "status_reason", "status_changed_at", "verified_at", "updated_at"])
    catalogue_changed()
    return shop


@transaction.atomic
def shop_verify(*, shop, reason=""):
    if shop.status == Shop.Status.VERIFIED:
        return shop
    return _shop_set_status(shop=shop, status=Shop.Status.VERIFIED, reason=reason.strip())


@transaction.atomic
def shop_suspend(*, shop, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan penangguhan wajib diisi: pemilik toko perlu tahu apa yang harus diperbaiki."))
    return _shop_set_status(shop=shop, status=Shop.Status.SUSPENDED, reason=reason)


@transaction.atomic
def shop_restore(*, shop, reason=""):
    if shop.status != Shop.Status.SUSPENDED:
        raise ValidationError(_("Hanya toko yang ditangguhkan yang dapat dipulihkan."))
    return _shop_set_status(shop=shop, status=Shop.Status.VERIFIED, reason=reason.strip())


@transaction.atomic
def shop_save_by_staff(*, shop, logo=None, banner=None):
    """Diskominfo's edit of a shop in the admin: the owner's rules (shop_update), then the same side effects.

    `shop` already carries the edited values; uploads go through the image pipeline like the owner's.
    """
    return shop_update(shop=shop, logo=logo, banner=banner, **{name: getattr(shop, name) for name in SHOP_FIELDS})


@transaction.atomic
def shop_delete(*, shop):
    """Remove a shop with its products and photos for good (superusers only: staff suspend instead).

    Cached catalogue pages are invalidated and the files are removed after commit.
    """
    photos = list(ProductPhoto.objects.filter(product__shop=shop))
    images = [image.name for image in (shop.logo, shop.banner) if image]
    shop.delete()
    catalogue_changed()

    def remove_files():
        for photo in photos:
            _delete_photo_files(photo)
        for name in images:
            try:
                default_storage.delete(name)
            except OSError as exc:
                logger.warning("Could not delete %s: %s", name, exc)

    transaction.on_commit(remove_files)


def shop_refresh_search(*, shop_id=None, shop_ids=None):
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
def category_save(*, category):
    """Save a category; its name is part of every product's search vector, so those are rebuilt."""
    category.full_clean()
    category.save()
    ids = Product.objects.filter(Q(category=category) | Q(category__parent=category)).values_list("pk", flat=True)
    product_refresh_search(product_ids=list(ids))
    catalogue_changed()
    return category


@transaction.atomic
def category_delete(*, category):
    category.delete()  # PROTECT: a category with products or children cannot be deleted
    catalogue_changed()


# --- certifications --------------------------------------------------------------------------


@transaction.atomic
def certification_save(*, shop, kind, number, expires_on=None, certification=None):
    cert = certification or Certification(shop=shop)
    if cert.shop_id != shop.pk:
        raise ValidationError(_("Sertifikat ini bukan milik toko Anda."))
    cert.kind, cert.number, cert.expires_on = kind, (number or "").strip(), expires_on
    cert.full_clean()
    cert.save()
    catalogue_changed()
    return cert


@transaction.atomic
def certification_delete(*, certification):
    certification.delete()
    catalogue_changed()


# --- products ------------------------------------------------------------------------------------


def _apply_product_fields(product, fields):
    for name, value in fields.items():
        if name not in PRODUCT_FIELDS:
            raise TypeError(f"unknown product field {name}")
        setattr(product, name, value)


@transaction.atomic
def product_create(*, shop, **fields):
    product = Product(shop=shop)
    _apply_product_fields(product, fields)
    product.slug = unique_slug(Product, f"{product.name} {shop.name}", max_length=150)
    product.full_clean()
    product.save()
    product_refresh_search(product_ids=[product.pk])
    catalogue_changed()
    return product


@transaction.atomic
def product_update(*, product, **fields):
    _apply_product_fields(product, fields)
    product.full_clean()
    product.save()
    product_refresh_search(product_ids=[product.pk])
    catalogue_changed()
    return product


@transaction.atomic
def product_save_by_staff(*, product):
    """Diskominfo's edit of a product in the admin (including "featured"): same rules and side effects."""
    return product_update(product=product, **{name: getattr(product, name) for name in PRODUCT_FIELDS})


@transaction.atomic
def product_delete(*, product):
    photos = list(product.photos.all())
    product.delete()
    catalogue_changed()
    transaction.on_commit(lambda: [_delete_photo_files(photo) for photo in photos])


def product_refresh_search(*, product_ids):
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
def product_photo_add(*, product, file, alt_text=""):
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

    _enqueue(product_photo_render, photo.pk, sync_fallback=True)
    return photo


def product_photo_render(*, photo_id):
    """Make the thumbnail/card/large renditions (WebP + JPEG) of one photo. Idempotent."""
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return None
    try:
        with photo.original.open("rb") as handle:
            sanitized = image_sanitize(image_validate(handle))
        renditions = {}
        for name, result in image_renditions(sanitized).items():
            entry = {"width": result["width"], "height": result["height"]}
            for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
                path = f"ikm/photos/{photo.pk}/{name}.{ext}"
                if default_storage.exists(path):
                    default_storage.delete(path)
                entry[fmt] = default_storage.save(path, ContentFile(result[fmt]))
            renditions[name] = entry
    except (ValidationError, OSError) as exc:
        ProductPhoto.objects.filter(pk=photo_id).update(status=ProductPhoto.Status.FAILED, error=str(exc)[:200])
        return None
    ProductPhoto.objects.filter(pk=photo_id).update(renditions=renditions, status=ProductPhoto.Status.READY, error="")
    return renditions


@transaction.atomic
def product_photos_reorder(*, product, photo_ids):
    photos = {p.pk: p for p in product.photos.all()}
    ordered = [int(pk) for pk in photo_ids if str(pk).isdigit() and int(pk) in photos]
    if sorted(ordered) != sorted(photos):
        raise ValidationError(_("Urutan foto tidak cocok dengan foto produk ini."))
    for position, pk in enumerate(ordered, start=1):
        ProductPhoto.objects.filter(pk=pk).update(position=position)
    catalogue_changed()


@transaction.atomic
def product_photo_update(*, photo, alt_text):
    photo.alt_text = (alt_text or "").strip()[:200]
    photo.full_clean()
    photo.save(update_fields=["alt_text"])
    catalogue_changed()
    return photo


@transaction.atomic
def product_photo_delete(*, photo):
    photo.delete()
    catalogue_changed()
    transaction.on_commit(lambda: _delete_photo_files(photo))


def _delete_photo_files(photo):
    if photo.original.name.startswith(DEMO_MEDIA_PREFIX):
        return  # demo photos share a small set of files between many products
    try:
        photo.original.delete(save=False)
        for entry in (photo.renditions or {}).values():
            for fmt in ("webp", "jpeg"):
                if entry.get(fmt):
                    default_storage.delete(entry[fmt])
    except OSError as exc:
        logger.warning("Could not delete files of photo %s: %s", photo.pk, exc)


# --- buyers: inquiries and counters ------------------------------------------------------------


def product_stat_increment(*, product_id, field, day=None):
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
def inquiry_create(*, product, buyer_name, buyer_phone, quantity, message):
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
    from .tasks import inquiry_notify_owner

    _enqueue(inquiry_notify_owner, inquiry.pk)
    return inquiry


def inquiry_notify_owner(*, inquiry_id):
    """Email the shop owner about a new inquiry (called from a Celery task)."""
    inquiry = Inquiry.objects.select_related("product__shop__owner").filter(pk=inquiry_id).first()
    if inquiry is None or not inquiry.product.shop.owner.email:
        return False
    product = inquiry.product
    body = _(
        "Ada permintaan baru untuk %(product)s dari %(name)s (%(phone)s), jumlah %(qty)s.\n\n%(message)s\n\n"
        "Buka kotak masuk Toko Saya: %(url)s"
    ) % {
        "product": product.name,
        "name": inquiry.buyer_name,
        "phone": inquiry.buyer_phone,
        "qty": inquiry.quantity,
        "message": inquiry.message,
        "url": f"{settings.SITE_URL}/ikm/toko-saya/pesan/",
    }
    send_mail(
        _("Permintaan baru: %(product)s") % {"product": product.name[:60]},
        body,
        None,
        [product.shop.owner.email],
    )
    return True


@transaction.atomic
def inquiry_set_status(*, inquiry, status):
    if status not in Inquiry.Status.values:
        raise ValidationError({"status": _("Status tidak dikenal.")})
    inquiry.status = status
    inquiry.save(update_fields=["status"])
    return inquiry


# --- growth reports ----------------------------------------------------------------------------------


@transaction.atomic
def growth_report_create(*, shop, period_start, period_end, output, capacity, unit, workers, omzet, notes=""):
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
