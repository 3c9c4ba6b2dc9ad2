"""Public pages of 999 IKM Online: catalogue front, search, product and shop pages."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from blitar_portal.lib.cache import cached_html
from blitar_portal.lib.media import rendition_response
from blitar_portal.lib.params import PageField
from blitar_portal.lib.ratelimit import rate_limit

from . import selectors, services
from .forms import InquiryForm, SearchForm, apply_errors
from .models import Certification

PAGE_SIZE = 24


@require_GET
def front(request):
    body = cached_html(
        "ikm-front",
        "body",
        lambda: render_to_string("ikm/partials/front_body.html", _front_context()),
        version=selectors.catalogue_html_version(),
        timeout=selectors.CATALOGUE_CACHE_SECONDS,
    )
    return render(request, "ikm/front.html", {"body": body})


def _front_context():
    return selectors.catalogue_front()


def _search_filters(data):
    return {
        "category": selectors.category_by_slug(data.get("kategori")),
        "kecamatan": selectors.kecamatan_by_slug(data.get("kecamatan")),
        "certification": data.get("sertifikat") or None,
        "price_min": data.get("harga_min"),
        "price_max": data.get("harga_max"),
    }


@require_GET
def search(request):
    """The whole page body is cached per validated parameters and language until the catalogue
    changes (`cached_html`): a repeated search costs the site shell only.

    Key and page come from the same validated form (SearchForm.querystring()), so a parameter
    the form does not know (utm_…) can neither vary the key nor appear in a cached link."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        # Not cached: the page shows this request's own messages.
        body = _search_body(form)
        return render(request, "ikm/search.html", {"q": "", "body": mark_safe(body)}, status=400)  # noqa: S308
    body = cached_html(
        "ikm-search",
        form.querystring(),
        lambda: _search_body(form),
        version=selectors.catalogue_html_version(),
        timeout=selectors.CATALOGUE_CACHE_SECONDS,
    )
    return render(request, "ikm/search.html", {"q": form.cleaned_data["q"], "body": body})


def _search_body(form):
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    context = {
        "form": form,
        "q": "",
        "too_short": False,
        "page": None,
        "filters": {},
        # Plain lists: rendering Django widgets costs more than the search itself.
        "cert_options": [(value, str(label)) for value, label in Certification.Kind.choices],
        "sort_options": [(value, str(label)) for value, label in SearchForm.base_fields["urut"].choices],
        "sort": data.get("urut", ""),
        **selectors.cached_catalogue("facet-options", _facets),
    }
    if valid:
        q = data["q"]
        filters = _search_filters(data)
        context.update(q=q, filters=filters, terms=selectors.query_terms(q))
        if q and selectors.query_too_short(q):
            context["too_short"] = True
        else:
            page = selectors.search_page(
                q=q, number=data["halaman"], per_page=PAGE_SIZE, sort=data.get("urut") or "", **filters
            )
            if page.search_query != q:  # spelling corrected: say so, highlight what was found
                context.update(corrected=page.search_query, terms=selectors.query_terms(page.search_query))
            context.update(
                page=page,
                shops=selectors.search_shops(page.search_query) if q and page.number == 1 else [],
                query_string=form.querystring(exclude=("halaman",)),
            )
    return render_to_string("ikm/partials/search_body.html", context)


def _facets():
    """The filter choices as (value, label) pairs, cached with the catalogue."""
    return {
        "category_options": [(c.slug, f"— {c.name}" if c.parent_id else c.name) for c in selectors.category_choices()],
        "kecamatan_options": sorted(
            ((k["slug"], k["name"]) for k in selectors.shops_per_kecamatan()), key=lambda pair: pair[1]
        ),
    }


@require_GET
def product_detail(request, slug):
    product = selectors.public_product(slug)
    if product is None:
        raise Http404(_("Produk tidak ditemukan."))
    services.product_stat_increment(product_id=product.pk, field="views")
    return _render_product(request, product, InquiryForm())


def _render_product(request, product, inquiry_form, status=200):
    context = {
        "product": product,
        "shop": product.shop,
        "photos": product.ready_photos,
        "certifications": list(product.shop.certifications.all()),
        "inquiry_form": inquiry_form,
        "related": selectors.related_products(product),
        "canonical_url": request.build_absolute_uri(product_url(product)),
    }
    return render(request, "ikm/product.html", context, status=status)


def product_url(product):
    return f"/ikm/produk/{product.slug}/"


def whatsapp_link(product):
    text = _("Halo %(shop)s, saya tertarik dengan produk “%(product)s” di 999 IKM Online Kabupaten Blitar.") % {
        "shop": product.shop.name,
        "product": product.name,
    }
    return f"https://wa.me/{product.shop.whatsapp}?text={quote(text)}"


@require_GET
def product_whatsapp(request, slug):
    """Count the click, then send the buyer on to wa.me with a prefilled message."""
    product = selectors.public_product(slug)
    if product is None:
        raise Http404(_("Produk tidak ditemukan."))
    services.product_stat_increment(product_id=product.pk, field="wa_clicks")
    response = HttpResponseRedirect(whatsapp_link(product))
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@rate_limit("ikm-inquiry", method="POST")
def product_inquiry(request, slug):
    product = selectors.public_product(slug)
    if product is None:
        raise Http404(_("Produk tidak ditemukan."))
    form = InquiryForm(request.POST)
    if form.is_valid():
        try:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "consent"}  # consent: the form's gate
            services.inquiry_create(product=product, **fields)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Pesan Anda sudah terkirim ke %(shop)s.") % {"shop": product.shop.name})
            return redirect(product_url(product) + "#pesan")
    return _render_product(request, product, form, status=400)


@require_GET
def shop_detail(request, slug):
    shop = selectors.public_shop(slug)
    if shop is None:
        raise Http404(_("Toko tidak ditemukan."))
    number = PageField().clean(request.GET.get("halaman"))
    page = selectors.products_page(selectors.shop_products(shop), number, per_page=PAGE_SIZE)
    return render(
        request,
        "ikm/shop.html",
        {"shop": shop, "page": page, "certifications": list(shop.certifications.all())},
    )


@require_GET
def photo(request, pk, size, ext):
    """A private rendition for whoever may see the photo (owner, Diskominfo, anyone once the product is
    public and its copies are still being made); 404 otherwise."""
    response = rendition_response(selectors.photo_renditions_or_404(request.user, pk), size, ext)
    if response is None:
        raise Http404("photo")
    return response


@require_GET
def shop_image(request, pk, size, ext):
    """A shop's private logo or banner, by the same rule as product photos; 404 otherwise."""
    response = rendition_response(selectors.shop_images_or_404(request.user, pk), size, ext)
    if response is None:
        raise Http404("image")
    return response
