"""The one throttle of every authentication path: django-axes hooks ``authenticate()``, so the
login page, ``/admin/login/`` and ``POST /api/auth/token/`` count failures together (issue 15,
item 7). These are the callables its settings name (``pooling/settings.py``, AXES_*):

- a lock is keyed on the username and the client address together, so failures from one
  address lock that user from that address only, never the user everywhere nor the whole proxy;
- the client address is the one the trusted proxy reports (``LOGIN_CLIENT_IP_HEADER``, e.g.
  ``HTTP_X_FORWARDED_FOR``), else ``REMOTE_ADDR``;
- limit and window are ``LOGIN_FAILURE_LIMIT`` and ``LOGIN_FAILURE_WINDOW_SECONDS``, read at
  each request (tests override them);
- a locked page login shows the form with the lockout message; the API answers 429.
"""

import datetime
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


def failure_limit(request: HttpRequest | None, credentials: dict | None) -> int:
    """Failures allowed per username and client address within the window."""
    return settings.LOGIN_FAILURE_LIMIT


def cool_off(request: HttpRequest | None) -> datetime.timedelta:
    """How long failures count, and how long a lock lasts."""
    return datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def locked_message() -> str:
    """The lockout message in the request's language."""
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    return _(
        "Too many failed logins for this user from your address. Wait %(minutes)s minutes "
        "and try again."
    ) % {"minutes": minutes}


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address: with ``LOGIN_CLIENT_IP_HEADER`` set (the proxy's header, e.g.
    ``HTTP_X_FORWARDED_FOR``), the entry that the ``LOGIN_TRUSTED_PROXY_COUNT`` trusted proxies
    appended — counted from the right, so an address the client wrote into the header itself
    is never taken — else ``REMOTE_ADDR``."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR", "")
    header = settings.LOGIN_CLIENT_IP_HEADER
    if header and meta.get(header):
        hops = [hop for hop in meta[header].split(",") if hop.strip()]
        count = settings.LOGIN_TRUSTED_PROXY_COUNT
        if len(hops) >= count:
            found = _valid(hops[-count])
            if found:
                return found
    return remote


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """What a locked attempt answers: the login form as rendered (it shows
    ``locked_message``: ``forms.ThrottledAuthenticationForm``), else 429 with the message
    (JSON on the API)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": locked_message()}, status=429)
    if original_response is not None and original_response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return original_response
    return HttpResponse(locked_message(), status=429, content_type="text/plain; charset=utf-8")
