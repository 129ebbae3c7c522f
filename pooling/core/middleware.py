"""Language selection (pages are Chinese unless the user chose English; the API follows the
client's Accept-Language) and the Content-Security-Policy of every response."""

import secrets

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DefaultLanguageMiddleware:
    """Replaces Django's LocaleMiddleware.

    Bureau staff work in Chinese whatever language their browser advertises, so a page uses
    the language chosen with the header's switch (the language cookie) or ``LANGUAGE_CODE``.
    API clients (county systems) ask with ``Accept-Language`` as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if request.path.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if language not in self.supported:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ("Accept-Language",))
        else:
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


# Scripts only from this site or inline with the request's nonce; no plugins, no framing, forms
# post only here. Style attributes stay allowed (a progress bar's width), style sheets do not
# come from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Sets ``request.csp_nonce`` (a fresh random value per request; an inline
    ``<script nonce="{{ request.csp_nonce }}">`` runs, an injected one does not) and sends the
    ``Content-Security-Policy`` header with it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.headers.setdefault(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY.format(nonce=request.csp_nonce)
        )
        return response
