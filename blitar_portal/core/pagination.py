"""The API's pagination (its own module: REST_FRAMEWORK settings import it while DRF loads)."""

from django import forms
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
