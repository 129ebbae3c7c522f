"""``/admin/`` is scoped by ``pooling.core.admin.ScopedAdmin``: a city administrator is not a
superuser and sees, changes, chooses and acts on its own municipality only; the platform
operator (``create_platform_operator``, the only superuser) sees every city."""

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from funds.ledger.models import Account, JournalEntry
from pooling.accounts.models import Role, User
from pooling.structure.models import County
from tests.factories.settlement import collect, open_city


@pytest.fixture
def cities(db):
    """Jinan and Jining, with a collection booked in Jining."""
    jinan, jining = open_city("jinan"), open_city("jining")
    collect(jining, "370811", "310100", "70.00")
    return jinan, jining


@pytest.fixture
def jinan_admin(cities):
    return User.objects.get(username="jinan_admin")


def _admin(client, user):
    client.force_login(user)
    return client


def test_the_demo_makes_no_superuser(cities, jinan_admin):
    assert not User.objects.filter(is_superuser=True).exists()
    assert jinan_admin.is_staff and jinan_admin.role == Role.ADMINISTRATOR


def test_a_city_administrator_lists_only_its_own_city(client, cities, jinan_admin):
    jinan, jining = cities
    admin = _admin(client, jinan_admin)
    users = admin.get(reverse("admin:pooling_user_changelist"))
    assert users.status_code == 200
    listed = {user.username for user in users.context["cl"].result_list}
    assert listed == set(User.objects.filter(municipality=jinan).values_list("username", flat=True))
    for name in ("pooling_county", "funds_account", "funds_journalentry"):
        page = admin.get(reverse(f"admin:{name}_changelist"))
        assert page.status_code == 200, name
        rows = page.context["cl"].result_list
        assert all(row.municipality_id == jinan.pk for row in rows), name
    assert JournalEntry.objects.filter(municipality=jining).exists()


def test_another_citys_objects_are_not_found(client, cities, jinan_admin):
    _jinan, jining = cities
    admin = _admin(client, jinan_admin)
    jining_user = User.objects.get(username="jining_clerk")
    county = County.objects.get(code="370811")
    account = Account.objects.filter(municipality=jining).first()
    entry = JournalEntry.objects.filter(municipality=jining).first()
    for url_name, pk in (
        ("admin:pooling_user_change", jining_user.pk),
        ("admin:pooling_county_change", county.pk),
        ("admin:funds_account_change", account.pk),
        ("admin:funds_journalentry_change", entry.pk),
    ):
        response = admin.get(reverse(url_name, args=[pk]))
        # The admin answers a missing object with a redirect to its index and a message.
        assert response.status_code == 302, url_name
        assert response["Location"] == reverse("admin:index"), url_name
    changed = admin.post(
        reverse("admin:pooling_county_change", args=[county.pk]),
        {"code": county.code, "name": "改名", "kind": county.kind, "municipality": jining.pk},
    )
    assert changed.status_code == 302
    county.refresh_from_db()
    assert county.name != "改名"


def test_another_citys_password_cannot_be_reset(client, cities, jinan_admin):
    admin = _admin(client, jinan_admin)
    jining_user = User.objects.get(username="jining_clerk")
    url = reverse("admin:auth_user_password_change", args=[jining_user.pk])
    assert admin.get(url).status_code == 404
    posted = admin.post(url, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"})
    assert posted.status_code == 404
    jining_user.refresh_from_db()
    assert not jining_user.check_password("Taken-over-2026!")


def test_choices_and_actions_stay_in_the_city(client, cities, jinan_admin):
    jinan, jining = cities
    admin = _admin(client, jinan_admin)
    form = admin.get(reverse("admin:pooling_user_add")).context["adminform"].form
    assert set(form.fields["municipality"].queryset) == {jinan}
    assert not form.fields["county"].queryset.exclude(municipality=jinan).exists()
    assert "is_superuser" not in form.fields
    created = admin.post(
        reverse("admin:pooling_user_add"),
        {
            "username": "intruder",
            "password1": "Intruder-password-2026",
            "password2": "Intruder-password-2026",
            "role": Role.AGENCY_CLERK,
            "municipality": jining.pk,
            "usable_password": "true",
        },
    )
    assert created.status_code == 200  # the form refuses the other city
    assert not User.objects.filter(username="intruder").exists()
    jining_user = User.objects.get(username="jining_auditor")
    admin.post(
        reverse("admin:pooling_user_changelist"),
        {"action": "delete_selected", "_selected_action": [jining_user.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=jining_user.pk).exists()


def test_a_city_administrator_cannot_make_itself_a_superuser(client, cities, jinan_admin):
    admin = _admin(client, jinan_admin)
    page = admin.get(reverse("admin:pooling_user_change", args=[jinan_admin.pk]))
    assert "is_superuser" not in page.context["adminform"].form.fields
    assert admin.get(reverse("admin:funds_ledgercheck_changelist")).status_code == 403
    jinan_admin.refresh_from_db()
    assert not jinan_admin.is_superuser


def test_the_platform_operator_is_made_by_its_command_and_sees_every_city(
    client, cities, monkeypatch
):
    monkeypatch.setitem(os.environ, "PLATFORM_OPERATOR_PASSWORD", "Operator-password-2026")
    call_command("create_platform_operator", "--username", "operator")
    [operator] = User.objects.filter(is_superuser=True)
    assert operator.username == "operator" and operator.municipality_id is None
    admin = _admin(client, operator)
    page = admin.get(reverse("admin:pooling_county_changelist") + "?all=")
    municipalities = {county.municipality_id for county in page.context["cl"].result_list}
    assert municipalities == {city.pk for city in cities}


def test_every_model_admin_is_scoped():
    """One admin mixin for every ModelAdmin: none escapes the municipality scope."""
    from django.contrib import admin

    from pooling.core.admin import ScopedAdmin

    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, ScopedAdmin)
        and model._meta.app_label in {"pooling", "funds", "enrollment", "settlement"}
    ]
    assert unscoped == []
