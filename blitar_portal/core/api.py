"""One error shape for every /api/v1/ error, and the pieces that make every endpoint use it.

Every error the API answers (validation, parse error, 403, 404, 429, the bad-input boundary)
has the body

    {"detail": "<first message>", "code": "<machine code>", "errors": {"<field>": ["<message>", …]}}

in Bahasa Indonesia (English when the language cookie chooses it). `errors` is empty when the
error is about no field; errors not tied to a field are under "non_field_errors".

- `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) reshapes DRF's errors and turns a
  service's django ValidationError into a 400, so views just let them propagate.
- `blitar_portal.core.parsers`: a JSON body must be an object (`[1]`, `"abc"`, `5`, `null` are a
  400) and no body text may hold control characters.
- `ErrorAwareAutoSchema` documents 400/403/404/429 with this shape on every operation that
  can answer them, so the OpenAPI schema says what the API really does.
- `validated_query(FormClass, request)` reads query parameters through a Django form (the same
  bounds as the pages) and `form_parameters(FormClass)` documents them from that same form.
"""

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.serializers import as_serializer_error

from blitar_portal.lib.params import NO_CONTROL_PATTERN

NON_FIELD = "non_field_errors"


class ApiErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Pesan pertama, untuk ditampilkan ke pengguna.")
    code = serializers.CharField(help_text="Kode mesin, mis. invalid, parse_error, not_found, throttled.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Pesan per isian/parameter; non_field_errors untuk yang tidak terkait satu isian.",
    )


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?$",
        "example": "08:00:00",
        "description": "Jam lokal WIB (UTC+7), tanpa zona waktu.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in Blitar (HH:MM:SS, WIB). Documented as such: OpenAPI's `format: time`
    is RFC 3339 full-time, which needs an offset this data does not carry."""


def _flatten(value):
    """Every message in a (possibly nested) DRF error structure, as strings."""
    if isinstance(value, dict):
        return [m for v in value.values() for m in _flatten(v)]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _flatten(v)]
    return [str(value)]


def error_body(*, detail, code, errors=None):
    return {"detail": str(detail), "code": str(code), "errors": errors or {}}


def _validation_errors(data):
    if isinstance(data, dict):
        return {str(field): _flatten(messages) for field, messages in data.items()}
    return {NON_FIELD: _flatten(data)}


def _first_code(exc):
    codes = exc.get_codes()
    while isinstance(codes, dict | list):
        if not codes:
            return exc.default_code
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes or exc.default_code


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads REST_FRAMEWORK settings that name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: a 500, reported as such
    if isinstance(exc, exceptions.ValidationError):
        errors = _validation_errors(response.data)
        first = next((m for msgs in errors.values() for m in msgs), _("Masukan tidak valid."))
        response.data = error_body(detail=first, code=_first_code(exc), errors=errors)
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = error_body(detail=detail, code=_first_code(exc))
    return response


def bad_input_response(message, *, field):
    """The bad-input boundary's answer under /api/ (the middleware runs before DRF)."""
    return JsonResponse(error_body(detail=message, code="invalid", errors={field: [message]}), status=400)


def validated_query(form_class, request, **kwargs):
    """The bound, valid form of the query parameters, or a 400 with the form's messages."""
    form = form_class(request.query_params, **kwargs)
    if not form.is_valid():
        raise exceptions.ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form


def _field_schema(field):
    if isinstance(field, forms.IntegerField):  # FloatField and DecimalField are IntegerFields too
        schema = {"type": "number" if isinstance(field, forms.FloatField | forms.DecimalField) else "integer"}
        for validator in field.validators:
            name = {"MinValueValidator": "minimum", "MaxValueValidator": "maximum"}.get(type(validator).__name__)
            if name:
                schema[name] = validator.limit_value
        return schema
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return {"type": "string", "enum": [str(value) for value, _label in field.choices]}
    schema = {"type": "string"}
    if getattr(field, "schema_pattern", None):
        schema["pattern"] = field.schema_pattern
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def form_parameters(form_class, *, required=(), descriptions=None):
    """OpenAPI query parameters documented from the form that reads them (same names and bounds)."""
    descriptions = descriptions or {}
    return [
        OpenApiParameter(
            name,
            _field_schema(field),
            required=name in required,
            description=str(descriptions.get(name, field.help_text or field.label or "")),
        )
        for name, field in form_class.base_fields.items()
    ]


def _forbid_control_chars(schema):
    """Free text the API receives may not hold control characters (the bad-input boundary's rule)."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_CONTROL_PATTERN


class ErrorAwareAutoSchema(AutoSchema):
    """Adds the error responses an operation can really give, all with ApiError bodies:
    400 everywhere (bad input boundary, validation), 404 where the path names something,
    403 where a client authenticates (CSRF, wrong credentials) or a permission is needed,
    429 where a throttle or rate limit applies (declare 429 in extend_schema for the latter)."""

    def _error_statuses(self):
        statuses = {"400"}
        if "{" in self.path:
            statuses.add("404")
        permissions = self.view.get_permissions()
        if self.view.get_authenticators() or any(not isinstance(p, AllowAny) for p in permissions):
            statuses.add("403")
        if self.view.get_throttles():
            statuses.add("429")
        return statuses

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            _forbid_control_chars(parameter.get("schema", {}))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request":
            _forbid_control_chars(schema)
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        for status in self._error_statuses() | ({"400", "403", "404", "429"} & set(responses)):
            responses[status] = self._get_response_for_code(ApiErrorSerializer, status, direction=direction)
        return responses
