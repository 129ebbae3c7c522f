from django.test import override_settings
from django.urls import reverse

from pooling.structure.presets import DEMO_PASSWORD


def _login(client, password):
    return client.post(reverse("login"), {"username": "jining_clerk", "password": password})


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_repeated_failed_logins_are_throttled(client, jining):
    for _attempt in range(3):
        assert _login(client, "wrong").status_code == 200
    locked = _login(client, DEMO_PASSWORD)
    assert locked.status_code == 200  # the form again, not a redirect: still locked
    assert "_auth_user_id" not in client.session
    assert locked.context["form"].errors["__all__"][0].startswith("登录失败次数过多")


def test_correct_password_logs_in_and_logout_works(client, jining):
    response = _login(client, DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
