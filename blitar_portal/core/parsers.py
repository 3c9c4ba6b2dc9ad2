"""The API's JSON parser (its own module: REST_FRAMEWORK settings import it while DRF loads)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """Every API body is an object: `[1]`, `"abc"`, `5` or `null` is a 400, not a crash further on."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(_("Isi permintaan JSON harus berupa objek ({…})."))
        return data
