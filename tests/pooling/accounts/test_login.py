"""Issue 15, item 7: one throttle (django-axes) for the login page, ``/admin/login/`` and
``POST /api/auth/token/``, keyed on username and client address together, the client address
taken from the trusted proxy's header when one is configured."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from pooling.structure.presets import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_ZH = "登录失败次数过多"


def _login(client, password, username="jining_clerk", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _admin_login(client, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": "jining_admin", "password": password}, **extra
    )


def _token(password, username="jining_clerk", **extra):
    return APIClient().post(
        reverse("api_token"), {"username": username, "password": password}, **extra
    )


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_throttled(client, jining):
    for _attempt in range(3):
        assert _login(client, "wrong").status_code == 200
    locked = _login(client, DEMO_PASSWORD)
    assert locked.status_code == 200  # the form again, not a redirect: still locked
    assert "_auth_user_id" not in client.session
    assert locked.context["form"].errors["__all__"][0].startswith(LOCKED_ZH)


def test_correct_password_logs_in_and_logout_works(client, jining):
    response = _login(client, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_api_token_endpoint_is_throttled(jining):
    for _attempt in range(2):
        assert _token("wrong").status_code == 400
    assert _token("wrong").status_code == 429  # the third failure locks
    locked = _token(DEMO_PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith(LOCKED_ZH)
    assert "token" not in locked.json()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_admin_login_is_throttled(client, jining, administrator):
    for _attempt in range(3):
        assert _admin_login(client, "wrong").status_code == 200
    locked = _admin_login(client, DEMO_PASSWORD)
    assert locked.status_code == 200
    assert "_auth_user_id" not in client.session
    assert LOCKED_ZH in locked.content.decode()
    assert _admin_login(client, DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_one_throttle_counts_every_path(client, jining):
    """Failures on the token endpoint and the admin count with the page's: three paths, one
    counter per username and address."""
    assert _token("wrong").status_code == 400
    admin_page = client.post(
        reverse("admin:login"), {"username": "jining_clerk", "password": "wrong"}
    )
    assert admin_page.status_code == 200
    assert _login(client, "wrong").status_code == 200
    locked = _token(DEMO_PASSWORD)
    assert locked.status_code == 429
    assert _login(client, DEMO_PASSWORD).context["form"].errors["__all__"][0].startswith(LOCKED_ZH)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_another_address_can_still_log_in(client, jining):
    for _attempt in range(3):
        _login(client, "wrong", REMOTE_ADDR="203.0.113.7")
        _token("wrong", REMOTE_ADDR="203.0.113.7")
    assert _login(client, DEMO_PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert _token(DEMO_PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert _login(client, DEMO_PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_the_lock_is_for_the_user_not_the_address(client, jining):
    """An attacker who fails as one user does not lock the other users of its address."""
    for _attempt in range(3):
        _login(client, "wrong", username="jining_clerk")
    assert _login(client, DEMO_PASSWORD, username="jining_clerk").status_code == 200
    assert _login(client, DEMO_PASSWORD, username="jining_auditor").status_code == 302


@override_settings(
    LOGIN_FAILURE_LIMIT=3,
    LOGIN_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR",
    LOGIN_TRUSTED_PROXY_COUNT=1,
)
def test_behind_the_proxy_the_client_address_comes_from_its_header(client, jining):
    """Every request arrives from the proxy (one REMOTE_ADDR); the lock follows the address the
    proxy appended, and an address the client wrote into the header itself is ignored."""
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        _token("wrong", HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.7", **proxy)
    assert _token(DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    # Another client behind the same proxy logs in as the same user.
    assert _token(DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    response = _login(client, DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=2)
def test_the_lockout_message_in_english(jining):
    for _attempt in range(2):
        _token("wrong")
    locked = _token(DEMO_PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Too many failed logins for this user")
