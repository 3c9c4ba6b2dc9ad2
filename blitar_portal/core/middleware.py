from django.conf import settings
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
