"""The API's parsers (their own module: REST_FRAMEWORK settings import it while DRF loads).

Bodies obey the same boundary as query strings (blitar_portal.core.middleware): text with
control characters is a 400, and a JSON body is an object.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from blitar_portal.lib.params import first_bad_key


def _refuse_control_chars(data):
    bad = first_bad_key(data)
    if bad is not None:
        raise ValidationError({bad: [_("Permintaan memuat karakter kontrol yang tidak diizinkan.")]})
    return data


class ObjectJSONParser(JSONParser):
    """Every API body is an object: `[1]`, `"abc"`, `5` or `null` is a 400, not a crash further on."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("Isi permintaan JSON harus berupa objek ({…})."))
        return _refuse_control_chars(data)


class TextFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_control_chars(super().parse(stream, media_type, parser_context))


class TextMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_control_chars(parsed.data)
        return parsed
