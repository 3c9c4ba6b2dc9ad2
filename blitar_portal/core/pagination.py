"""The API's pagination, one convention per kind of list (its own module: REST_FRAMEWORK
settings import it while DRF loads):

- a list a client pages through by number (shops, products): `PortalPagination`, the default
  pagination class of every DRF list view (`?page=`, `PAGE_SIZE` in settings);
- a list too long to count (the verified plantings, a million rows): keyset pages by id,
  `?after=<id>` / `?before=<id>` with `next`/`previous` links from `cursor_links`;
- a short bounded list (hospitals, a hospital's services, cover per area): not paginated.
"""

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from blitar_portal.lib.params import PAGE_MAX, bounded_errors


class PageForm(forms.Form):
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=PAGE_MAX,
        error_messages=bounded_errors(_("page harus berupa bilangan bulat 1–%(max)s."), max=PAGE_MAX),
    )


class PortalPagination(PageNumberPagination):
    """DRF's page numbers, strict and documented: `page` is an integer 1–PAGE_MAX (else 400);
    a page past the end is the last page (the pages' rule), not a 404."""

    def get_page_number(self, request, paginator):
        form = PageForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({"page": form.errors["page"]})
        return min(form.cleaned_data["page"] or 1, max(paginator.num_pages, 1))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}
        return parameters


def cursor_links(request, form, *, after, before):
    """`{"next", "previous"}` of a keyset page: `?after=<id>` for the page following the last
    row, `?before=<id>` for the one preceding the first, None at either end. Built from the
    validated query form only, so an unknown parameter never travels on in a link."""
    base = request.build_absolute_uri(request.path)
    kept = form.query_items(exclude=("after", "before"))

    def link(name, value):
        return None if value is None else f"{base}?{urlencode([*kept, (name, value)])}"

    return {"next": link("after", after), "previous": link("before", before)}
