"""Template helpers of 999 IKM Online: Rupiah prices, safe search highlighting, pictures, JSON-LD."""

import difflib
import functools
import re

from django import template
from django.core.files.storage import default_storage
from django.utils.html import escape, format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

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


@register.filter
def highlight(text, terms):
    """Escape `text`, then wrap words that match a search term (also misspelt) in <mark>."""
    text = str(text or "")
    if not terms:
        return escape(text)
    out, last = [], 0
    for match in _WORD.finditer(text):
        out.append(escape(text[last : match.start()]))
        word = match.group(0)
        out.append(format_html("<mark>{}</mark>", word) if _term_matches(word, terms) else escape(word))
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


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
    entry = (photo.renditions or {}).get(name) or {}
    path = entry.get(fmt)
    return default_storage.url(path) if path else ""


@register.simple_tag
def photo_url(photo, name="card", fmt="jpeg"):
    return rendition_url(photo, name, fmt)


@register.inclusion_tag("ikm/partials/picture.html")
def picture(photo, name="card", alt="", loading="lazy", sizes=""):
    entry = (photo.renditions or {}).get(name, {}) if photo else {}
    return {
        "webp": rendition_url(photo, name, "webp") if photo else "",
        "jpeg": rendition_url(photo, name, "jpeg") if photo else "",
        "width": entry.get("width", ""),
        "height": entry.get("height", ""),
        "alt": alt or (photo.alt_text if photo else ""),
        "loading": loading,
    }


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
