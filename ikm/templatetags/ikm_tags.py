"""Template helpers of 999 IKM Online: Rupiah prices, safe search highlighting, pictures, JSON-LD."""

import difflib
import functools
import re

from django import template
from django.urls import reverse
from django.utils.html import escape, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from blitar_portal.lib.media import image_url
from blitar_portal.lib.rupiah import format_rupiah

register = template.Library()
_WORD = re.compile(r"\w+", re.UNICODE)


@register.filter
def rupiah(value):
    return format_rupiah(value)


@register.simple_tag
def price_label(product):
    if product.price is None:
        return _("Harga nego")
    label = format_rupiah(product.price)
    return f"{label} / {product.unit}" if product.unit else label


def _term_matches(word, terms):
    return _matches(word.lower(), tuple(terms))


@functools.lru_cache(maxsize=4096)
def _matches(lower, terms):
    """Prefix match, or a close spelling (kripik ~ keripik). Cached: result pages repeat words."""
    for term in terms:
        if len(term) < 3:
            continue
        if lower.startswith(term) or (term.startswith(lower) and len(lower) >= 4):
            return True
        if abs(len(lower) - len(term)) <= 3:
            matcher = difflib.SequenceMatcher(None, lower, term)
            if matcher.quick_ratio() >= 0.75 and matcher.ratio() >= 0.75:
                return True
    return False


# In escaped text: an entity (&amp; &#x27; …, left alone) or a word (markable). Words hold no
# character that escaping changes, so marking after escaping stays safe.
_ESCAPED_TOKEN = re.compile(r"&#?\w+;|\w+", re.UNICODE)


@register.filter
def highlight(text, terms):
    """Escape `text`, then wrap words that match a search term (also misspelt) in <mark>."""
    escaped = escape(str(text or ""))
    if not terms:
        return escaped
    terms = tuple(terms)

    def mark(match):
        word = match.group(0)
        if word[0] == "&" or not _matches(word.lower(), terms):
            return word
        return f"<mark>{word}</mark>"

    return mark_safe(_ESCAPED_TOKEN.sub(mark, escaped))  # noqa: S308 - escaped above; <mark> wraps only \w+


@register.filter
def snippet(text, terms, length=180):
    """A window of `text` around the first matching word (plain text; pipe through highlight)."""
    text = str(text or "")
    if len(text) <= length:
        return text
    start = 0
    for match in _WORD.finditer(text):
        if _term_matches(match.group(0), terms or []):
            start = max(0, match.start() - 40)
            break
    piece = text[start : start + length]
    return ("…" if start else "") + piece + "…"


def rendition_url(photo, name="card", fmt="jpeg"):
    """The one URL rule for a product photo (pages, cards, API): its public copy while the product is
    public, else the permission-checked view (owner and staff only), else "" (not rendered yet)."""
    return image_url(
        renditions=photo.renditions,
        published=photo.published,
        size=name,
        fmt=fmt,
        private_url=lambda size, ext: reverse("ikm:photo", args=[photo.pk, size, ext]),
    )


@register.simple_tag
def shop_image_url(shop, name):
    """The URL of a shop's logo or banner by the same rule: the public copy while the shop is public,
    else the permission-checked view, else "" (no image)."""
    path = getattr(shop, name).name
    return image_url(
        renditions={name: {"jpeg": path}} if path else {},
        published=shop.published_images,
        size=name,
        private_url=lambda size, ext: reverse("ikm:shop_image", args=[shop.pk, size, ext]),
    )


@register.simple_tag
def photo_url(photo, name="card", fmt="jpeg"):
    return rendition_url(photo, name, fmt)


@register.simple_tag
def picture(photo, name="card", alt="", loading="lazy", sizes=""):
    """<picture> with the WebP rendition and its JPEG fallback, or a labelled placeholder.
    Built in Python: a results page has 24 of them, and a sub-template each costs more
    than the search."""
    alt = alt or (photo.alt_text if photo else "")
    jpeg = rendition_url(photo, name, "jpeg") if photo else ""
    if not jpeg:
        label = escape(alt)
        return mark_safe(  # noqa: S308 - escaped
            f'<div class="ikm-noimg" role="img" aria-label="{label}"><span>{escape(_("Belum ada foto"))}</span></div>'
        )
    entry = (photo.renditions or {}).get(name, {})
    size = f' width="{escape(entry["width"])}" height="{escape(entry.get("height", ""))}"' if entry.get("width") else ""
    return mark_safe(  # noqa: S308 - every value escaped
        f'<picture><source srcset="{escape(rendition_url(photo, name, "webp"))}" type="image/webp">'
        f'<img src="{escape(jpeg)}" alt="{escape(alt)}"{size} loading="{escape(loading)}" decoding="async"></picture>'
    )


@register.simple_tag
def product_card(product, terms=None):
    """One product card (a `selectors.ProductCard`): search results, the front page, shop
    pages and related products all show these. Built in Python for the same reason as
    `picture`: a page holds 24 of them. Every value is escaped; `highlight` escapes too."""
    name = highlight(product.name, terms) if terms else escape(product.name)
    snippet_html = ""
    if terms and product.description:
        snippet_html = f'<p class="muted ikm-snippet">{highlight(snippet(product.description, terms), terms)}</p>'
    return mark_safe(  # noqa: S308 - every value escaped
        f'<article class="card ikm-card"><a href="{escape(reverse("ikm:product", args=[product.slug]))}" '
        f'class="ikm-card-link">{picture(product.photo, "card", alt=product.name)}<h3>{name}</h3></a>'
        f'<p class="ikm-price">{escape(price_label(product))}</p>'
        f'<p class="muted">{escape(product.shop_name)} · {escape(product.kecamatan_name)}</p>{snippet_html}</article>'
    )


@register.simple_tag
def options(choices, selected):
    """<option>s of a filter <select> from (value, label) pairs, the `selected` value marked."""
    selected = "" if selected is None else str(selected)
    return mark_safe(  # noqa: S308 - values and labels escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == selected else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )


@register.simple_tag
def product_jsonld(product, url, photos, certifications):
    """schema.org Product snippet (not a merchant listing: the sale happens by WhatsApp/inquiry)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": (product.description or product.name)[:500],
        "url": url,
        "sku": str(product.pk),
        "category": product.category.name,
        "brand": {"@type": "Brand", "name": product.shop.name},
        "image": [url.split("/ikm/")[0] + rendition_url(p, "large") for p in photos][:3],
    }
    if product.price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": str(product.price),
            "priceCurrency": "IDR",
            "availability": "https://schema.org/InStock"
            if product.stock_status != "habis"
            else "https://schema.org/OutOfStock",
            "seller": {"@type": "Organization", "name": product.shop.name},
        }
    # json_script escapes <, >, & so a product name cannot close the <script>.
    tag = json_script(data, element_id="product-jsonld")
    return mark_safe(tag.replace('type="application/json"', 'type="application/ld+json"'))  # noqa: S308
