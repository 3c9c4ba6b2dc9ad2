"""The bounds every query parameter is read within (pages and API alike).

Query parameters are read through Django forms built from these fields, so that an
out-of-range integer or date is a validation message (Bahasa Indonesia first), never a
database error or an OverflowError. Text with control characters never gets this far:
`blitar_portal.core.middleware.BadInputMiddleware` answers 400 first.
"""

import datetime
import re
import unicodedata

from django import forms
from django.core.paginator import Page, Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

# A PostgreSQL `bigint` (ids are BigAutoField): larger values would be a database error.
DB_ID_MAX = 2**63 - 1
# Page numbers past this are clamped (and then shown as the last page, Django's paginator rule).
PAGE_MAX = 10_000
# Dates the portal can reason about (timedelta arithmetic near year 1 or 9999 overflows).
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year

# C0 and C1 control characters and DEL; TAB, LF and CR are whitespace a person may type.
_CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{_CONTROL_CLASS}]")
# The same rule as a JSON Schema pattern (ECMA 262), for the OpenAPI schema.
NO_CONTROL_PATTERN = f"^[^{_CONTROL_CLASS}]*$"


def has_control_chars(text):
    return bool(_CONTROL.search(text))


def first_bad_key(data):
    """The first key of a QueryDict or (nested) JSON object whose key or text holds control characters."""
    items = data.lists() if hasattr(data, "lists") else data.items()
    for key, value in items:
        if has_control_chars(str(key)) or _holds_control_chars(value):
            return "?" if has_control_chars(str(key)) else str(key)
    return None


def _holds_control_chars(value):
    if isinstance(value, str):
        return has_control_chars(value)
    if isinstance(value, dict):
        return any(has_control_chars(str(k)) or _holds_control_chars(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_control_chars(v) for v in value)
    return False


def first_bad_param(path, params):
    """The name of the first piece of a request (path or GET parameter) holding control characters."""
    return "path" if has_control_chars(path) else first_bad_key(params)


def lazy_message(message, **params):
    """`gettext_lazy(message) % params`, still lazy: translated when shown, not at import."""
    return lazy(lambda: str(message) % params, str)()


def bounded_errors(message, **params):
    """The same message for a value that is not a number or is out of range."""
    text = lazy_message(message, **params)
    return {"invalid": text, "min_value": text, "max_value": text}


class PageField(forms.IntegerField):
    """A page number as people expect it: nothing or junk is page 1, a number past the end is the
    last page (the paginator clamps it), never an error."""

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=1, max_value=PAGE_MAX, **kwargs)

    def clean(self, value):
        text = unicodedata.normalize("NFKC", str(value or "")).strip()
        if not re.fullmatch(r"\d{1,20}", text):
            return 1
        return max(1, min(int(text), PAGE_MAX))


def page_of(items, request, *, per_page, param="halaman") -> Page:
    """The one way a page shows a list in pages (drawn by templates/partials/pagination.html):
    the number comes from the GET parameter `param` through PageField (nothing or junk: page 1)
    and a number past the end is the last page. `items` is a queryset or a list.

    The IKM product grids page ids with a window count instead (`ikm.selectors.ids_page`, for
    speed); they read the number through PageField the same way."""
    return Paginator(items, per_page).get_page(PageField().clean(request.GET.get(param)))


class IdField(forms.IntegerField):
    """A database id from a query parameter (1 … 2⁶³-1)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=1, max_value=DB_ID_MAX, **kwargs)


class YearField(forms.IntegerField):
    def __init__(self, *, name="year", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            bounded_errors(
                _("%(name)s harus berupa angka tahun %(min)s–%(max)s."), name=name, min=YEAR_MIN, max=YEAR_MAX
            ),
        )
        super().__init__(min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)


class BoundedDateField(forms.DateField):
    """An ISO date between DATE_MIN and DATE_MAX."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(DATE_MIN, _("Tanggal tidak boleh sebelum %(limit_value)s.")),
            MaxValueValidator(DATE_MAX, _("Tanggal tidak boleh setelah %(limit_value)s.")),
        ]


class QueryForm(forms.Form):
    """A form over GET parameters. `querystring()` rebuilds a query string from the *validated*
    values only, so links and cache keys never carry a parameter the form does not know."""

    def query_items(self, *, exclude=()):
        items = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if name in exclude or value in (None, "", [], ()):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            items.append((name, str(getattr(value, "slug", value))))
        return items

    def querystring(self, *, exclude=()):
        return urlencode(self.query_items(exclude=exclude))

    def first_error(self):
        """The first message (write field messages that name their parameter)."""
        return next((errors[0] for errors in self.errors.values()), "")
