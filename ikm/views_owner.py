""" "Toko Saya" (/ikm/toko-saya/): the IKM owner's own shop, products, photos, inbox and reports.

Every object is fetched through `selectors.owned(model, user)`: another owner's id is a 404.
"""

import functools
import mimetypes

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blitar_portal.accounts.forms import SignUpForm
from blitar_portal.accounts.roles import IKM_OWNER, has_role
from blitar_portal.accounts.services import user_register
from blitar_portal.lib.params import page_of
from blitar_portal.lib.ratelimit import rate_limit
from blitar_portal.lib.uploads import holder_of

from . import selectors, selectors_programmes, services, services_programmes
from .forms import (
    CertificationForm,
    GrowthReportForm,
    InquiryStatusForm,
    PhotoUploadForm,
    ProductForm,
    ProductNewForm,
    ShopForm,
    apply_errors,
)
from .models import MAX_PHOTOS, Certification, GrowthReport, Inquiry, Product, ProductPhoto

HOME = "ikm:owner_home"


def owner_required(view):
    """Signed in with the Pemilik IKM role; the shop (if any) is passed as `shop`."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not has_role(request.user, IKM_OWNER):
            return redirect("ikm:owner_register")
        return view(request, *args, shop=selectors.owner_shop(request.user), **kwargs)

    return wrapper


def shop_required(view):
    @functools.wraps(view)
    @owner_required
    def wrapper(request, *args, shop, **kwargs):
        if shop is None:
            messages.info(request, _("Lengkapi dulu profil toko Anda."))
            return redirect("ikm:owner_shop")
        return view(request, *args, shop=shop, **kwargs)

    return wrapper


@rate_limit("ikm-owner-register", method="POST")
def owner_register(request):
    """Sign up (or, when signed in, take the role) as an IKM owner."""
    if request.user.is_authenticated and has_role(request.user, IKM_OWNER):
        return redirect(HOME)
    form = None if request.user.is_authenticated else SignUpForm(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        user = request.user
        if form is not None:
            user = user_register(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        services.owner_register(user=user)
        messages.success(request, _("Anda terdaftar sebagai pemilik IKM. Sekarang lengkapi profil toko Anda."))
        return redirect("ikm:owner_shop")
    return render(request, "ikm/owner/register.html", {"form": form})


@owner_required
def owner_home(request, *, shop):
    if shop is None:
        return redirect("ikm:owner_shop")
    products = selectors.owner_products(request.user)
    return render(
        request,
        "ikm/owner/home.html",
        {
            "shop": shop,
            "products": products,
            "new_inquiries": selectors.owner_inquiries(request.user, status=Inquiry.Status.NEW).count(),
            "checklist": selectors.shop_verification_checklist(shop),
        },
    )


@owner_required
def owner_shop(request, *, shop):
    """A new shop opens with the four fields a buyer needs (the rest folded away, optional); the
    full profile (government data, logo, banner) is this same page once the shop exists."""
    if shop is None:
        return _owner_shop_open(request)
    form = ShopForm(request.POST or None, request.FILES or None, initial=ShopForm.initial_from(shop))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        images = {"logo": data.pop("logo"), "banner": data.pop("banner")}
        try:
            services.shop_update(shop=shop, **images, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Profil toko sudah disimpan."))
            return redirect(HOME)
    return render(request, "ikm/owner/shop_form.html", {"form": form, "shop": shop})


def _owner_shop_open(request):
    form = ShopForm(request.POST or None, request.FILES or None, opening=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        images = {"logo": data.pop("logo"), "banner": data.pop("banner")}
        try:
            services.shop_create(owner=request.user, **images, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Toko Anda sudah dibuka. Tambahkan produk; data usaha (NIB, KBLI, kapasitas, sertifikat) "
                    "dilengkapi sebelum mengajukan verifikasi."
                ),
            )
            return redirect(HOME)
    return render(request, "ikm/owner/shop_form.html", {"form": form, "shop": None})


@require_POST
@shop_required
def owner_submit(request, *, shop):
    try:
        services.shop_submit(shop=shop)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "incomplete" or len(exc.messages) > 1:
            missing = "; ".join(exc.messages)
            messages.error(request, _("Toko belum dapat diajukan. Lengkapi dulu: %(missing)s.") % {"missing": missing})
        else:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Toko Anda sudah diajukan. Diskominfo akan memeriksanya."))
    return redirect(HOME)


@shop_required
def owner_certifications(request, *, shop):
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_save(shop=shop, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Sertifikat sudah disimpan."))
            return redirect("ikm:owner_certifications")
    certifications = selectors.owned(Certification, request.user).order_by("kind")
    return render(request, "ikm/owner/certifications.html", {"shop": shop, "form": form, "items": certifications})


@require_POST
@shop_required
def owner_certification_delete(request, pk, *, shop):
    certification = get_object_or_404(selectors.owned(Certification, request.user), pk=pk)
    services.certification_delete(certification=certification)
    messages.success(request, _("Sertifikat sudah dihapus."))
    return redirect("ikm:owner_certifications")


@shop_required
def owner_product_new(request, *, shop):
    """A product with its photos, chosen at once; after an error the photos are kept (held)."""
    form = ProductNewForm(request.POST or None, request.FILES or None, holder=holder_of(request))
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(shop=shop, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            form.held_release()
            count = len(form.cleaned_data["photos"])
            if count:
                text = _("Produk dan %(n)s foto sudah disimpan; foto sedang diproses.") % {"n": count}
            else:
                text = _("Produk sudah disimpan. Produk dengan foto lebih mudah ditemukan pembeli: tambahkan fotonya.")
            messages.success(request, text)
            return redirect("ikm:owner_product", pk=product.pk)
    return render(request, "ikm/owner/product_form.html", {"shop": shop, "form": form, "product": None})


@shop_required
def owner_product(request, pk, *, shop):
    product = selectors.owner_product_with_photos(request.user, pk)
    if product is None:
        raise Http404(_("Produk tidak ditemukan."))
    form = ProductForm(request.POST or None, initial=ProductForm.initial_from(product))
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(product=product, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Produk sudah disimpan."))
            return redirect("ikm:owner_product", pk=product.pk)
    photos = list(product.photos.all())
    return render(
        request,
        "ikm/owner/product_form.html",
        {
            "shop": shop,
            "form": form,
            "product": product,
            "photos": photos,
            "photo_form": PhotoUploadForm(),
            "can_add_photo": len(photos) < MAX_PHOTOS,
            "max_photos": MAX_PHOTOS,
        },
    )


@require_POST
@shop_required
def owner_product_delete(request, pk, *, shop):
    product = get_object_or_404(selectors.owned(Product, request.user), pk=pk)
    services.product_delete(product=product)
    messages.success(request, _("Produk “%(name)s” sudah dihapus.") % {"name": product.name})
    return redirect(HOME)


def _wants_json(request):
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


@require_POST
@shop_required
def owner_photo_upload(request, pk, *, shop):
    product = get_object_or_404(selectors.owned(Product, request.user), pk=pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_photos_add(
                product=product, files=form.cleaned_data["photo"], alt_text=form.cleaned_data["alt_text"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
    ok = not form.errors
    errors = [e for errs in form.errors.values() for e in errs]
    if _wants_json(request):
        return JsonResponse({"ok": ok, "errors": errors}, status=200 if ok else 400)
    if ok:
        messages.success(request, _("Foto sudah diunggah dan sedang diproses."))
    else:
        messages.error(request, " ".join(errors))
    return redirect("ikm:owner_product", pk=product.pk)


@require_POST
@shop_required
def owner_photo_action(request, pk, *, shop):
    """Move a photo up/down, change its alt text, or remove it."""
    photo = get_object_or_404(selectors.owned(ProductPhoto, request.user).select_related("product"), pk=pk)
    action = request.POST.get("action")
    product = photo.product
    if action == "delete":
        services.product_photo_delete(photo=photo)
        messages.success(request, _("Foto sudah dihapus."))
    elif action in ("up", "down"):
        ids = list(product.photos.values_list("pk", flat=True))
        i = ids.index(photo.pk)
        j = i - 1 if action == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            services.product_photos_reorder(product=product, photo_ids=ids)
        messages.success(request, _("Urutan foto sudah diubah."))
    elif action == "alt":
        services.product_photo_update(photo=photo, alt_text=request.POST.get("alt_text", ""))
        messages.success(request, _("Keterangan foto sudah disimpan."))
    return redirect("ikm:owner_product", pk=product.pk)


@login_required
def owner_photo_original(request, pk):
    """The private original of a photo: only its owner may download it."""
    photo = get_object_or_404(selectors.owned(ProductPhoto, request.user), pk=pk)
    handle = photo.original.open("rb")
    content_type = mimetypes.guess_type(photo.original.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@shop_required
def owner_inbox(request, *, shop):
    status = request.GET.get("status") if request.GET.get("status") in Inquiry.Status.values else None
    page = page_of(selectors.owner_inquiries(request.user, status=status), request, per_page=20)
    return render(
        request,
        "ikm/owner/inbox.html",
        {"shop": shop, "page": page, "status": status, "statuses": Inquiry.Status.choices},
    )


@require_POST
@shop_required
def owner_inquiry_status(request, pk, *, shop):
    inquiry = get_object_or_404(selectors.owned(Inquiry, request.user), pk=pk)
    form = InquiryStatusForm(request.POST)
    if form.is_valid():
        services.inquiry_set_status(inquiry=inquiry, status=form.cleaned_data["status"])
        messages.success(request, _("Status pesan sudah diubah."))
    return redirect("ikm:owner_inbox")


@shop_required
def owner_stats(request, *, shop):
    return render(request, "ikm/owner/stats.html", {"shop": shop, "rows": selectors.owner_product_stats(request.user)})


@shop_required
def owner_reports(request, *, shop):
    form = GrowthReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.growth_report_create(shop=shop, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Laporan perkembangan sudah disimpan. Terima kasih!"))
            return redirect("ikm:owner_reports")
    reports = selectors.owned(GrowthReport, request.user)
    return render(request, "ikm/owner/reports.html", {"shop": shop, "form": form, "reports": reports})


# --- capacity-building programmes ---------------------------------------------------------------


@shop_required
def owner_programmes(request, *, shop):
    """Open programmes for the shop's sector, the shop's registrations, and its capacity and certificates
    over time next to the programmes it attended."""
    registrations = list(selectors_programmes.shop_registrations(shop))
    mine = {r.programme_id: r for r in registrations if r.status == r.Status.REGISTERED}
    return render(
        request,
        "ikm/owner/programmes.html",
        {
            "shop": shop,
            "programmes": selectors_programmes.programmes_open_for_shop(shop),
            "mine": mine,
            "registrations": registrations,
            "history": selectors_programmes.shop_history(shop),
            "today": timezone.localdate(),
        },
    )


@require_POST
@shop_required
def owner_programme_register(request, pk, *, shop):
    programme = selectors_programmes.programme_published(pk)
    if programme is None:
        raise Http404(_("Program tidak ditemukan."))
    try:
        services_programmes.programme_register(programme=programme, shop=shop)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Anda terdaftar di “%(title)s”.") % {"title": programme.title})
    return redirect("ikm:owner_programmes")


@require_POST
@shop_required
def owner_programme_cancel(request, pk, *, shop):
    registration = selectors_programmes.owner_registration(request.user, pk)
    if registration is None:
        raise Http404(_("Pendaftaran tidak ditemukan."))
    try:
        services_programmes.programme_registration_cancel(registration=registration)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Pendaftaran di “%(title)s” dibatalkan.") % {"title": registration.programme.title})
    return redirect("ikm:owner_programmes")
