from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Bahasa Indonesia for everyone until they choose English with the switch.

    Unlike Django's LocaleMiddleware this ignores Accept-Language: many phones in
    Blitar are set to English, and the portal speaks Indonesian first. The choice
    made at /i18n/setlang/ is kept in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequestBodyLimitMiddleware:
    """413 for a request body above MAX_REQUEST_BODY_BYTES, answered from its Content-Length
    before anything (CSRF, a form, DRF's parsers) reads it.

    The declared length is the cap: Django's WSGIRequest never reads past Content-Length,
    and reads nothing when it is absent. A chunked body without a length is refused (411),
    because it would silently arrive empty. Behind nginx (client_max_body_size, see
    README "Behind a reverse proxy") bodies always arrive with a length. (The unread rest is the
    server's business: gunicorn's sync workers close the connection after each response.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return self._refuse(
                    request, 411, _("Kiriman harus menyebut ukurannya (header Content-Length)."), "length_required"
                )
            return self.get_response(request)
        if not declared.isascii() or not declared.isdigit():
            return self._refuse(request, 400, _("Header Content-Length tidak valid."), "invalid")
        limit = settings.MAX_REQUEST_BODY_BYTES
        if int(declared) > limit:
            message = _("Kiriman terlalu besar: maksimal %(size)s. Perkecil foto lalu coba lagi.") % {
                "size": filesizeformat(limit)
            }
            return self._refuse(request, 413, message, "request_too_large")
        return self.get_response(request)

    def _refuse(self, request, status, message, code):
        if request.path.startswith("/api/"):
            from .api import error_body  # the API's one error shape

            response = JsonResponse(error_body(detail=message, code=code), status=status)
        else:
            response = render(request, "request_refused.html", {"message": message}, status=status)
        # Framed by its length: the client reads the answer while the rest of its body is unread.
        response["Content-Length"] = str(len(response.content))
        return response


class BadInputMiddleware:
    """One boundary for text the portal never accepts: a path or GET parameter with NUL or
    other control characters is answered 400 here (a Bahasa page, or the API error body under
    /api/), before any view, ORM lookup or admin filter sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from blitar_portal.lib.params import first_bad_param

        bad = first_bad_param(request.path, request.GET)
        if bad is not None:
            from .views import bad_request

            return bad_request(request, _("Permintaan memuat karakter kontrol yang tidak diizinkan."), field=bad)
        return self.get_response(request)
