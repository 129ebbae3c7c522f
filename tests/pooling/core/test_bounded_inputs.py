"""What an outside probe's fuzzing sent (issue: server errors from fuzzing) answers 400 with
field errors, never 500: years outside 2000–2100 in every year filter, business dates outside
that window, integers beyond the database's range, an impossible month, an empty schedule
field, unbounded free text."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

YEAR_LISTS = [
    "/api/cycles/",
    "/api/calendar-overrides/",
    "/api/usage-plans/",
    "/api/city-plans/",
    "/api/annual-plans/",
    "/api/contribution-bases/",
]
BAD_YEARS = ["0", "10000", "-1", "99999999999999999999", "1999", "2101", "1e3"]


@pytest.mark.parametrize("url", YEAR_LISTS)
@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_year_outside_2000_to_2100_is_a_field_error_on_every_list(api_for, city_clerk, url, year):
    response = api_for(city_clerk).get(url, {"year": year})
    assert response.status_code == 400, response.content[:300]
    assert "year" in response.json()


@pytest.mark.parametrize("url", YEAR_LISTS)
def test_a_year_in_the_window_filters(api_for, city_clerk, url):
    assert api_for(city_clerk).get(url, {"year": "2026"}).status_code == 200


PAGE_LISTS = ["settlement:cycle_list", "settlement:usage_plan_list", "pooling:calendar"]


@pytest.mark.parametrize("name", PAGE_LISTS)
@pytest.mark.parametrize("year", ["0", "10000", "-5"])
def test_list_pages_answer_a_bad_year_without_a_server_error(client_for, city_clerk, name, year):
    response = client_for(city_clerk).get(reverse(name), {"year": year})
    assert response.status_code in (200, 400)


def test_a_calendar_override_without_a_note_or_outside_the_window(api_for, bureau_approver):
    api = api_for(bureau_approver)
    created = api.post("/api/calendar-overrides/", {"date": "2031-01-02", "is_workday": False})
    assert created.status_code in (201, 403), created.content[:300]
    for date in ("1899-01-01", "2101-01-01", "9999-12-31"):
        response = api.post("/api/calendar-overrides/", {"date": date, "is_workday": True})
        assert response.status_code in (400, 403), response.content[:300]
        if response.status_code == 400:
            assert "date" in response.json()
    long_note = api.post(
        "/api/calendar-overrides/", {"date": "2031-01-03", "is_workday": False, "note": "x" * 101}
    )
    assert long_note.status_code in (400, 403)


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01", "9999-12", "2026-1"])
def test_retiree_credits_with_an_impossible_month_is_a_field_error(
    api_for, city_clerk, finance_officer, month
):
    for user in (city_clerk, finance_officer):
        response = api_for(user).post("/api/retiree-credits/post/", {"month": month})
        assert response.status_code in (400, 403), response.content[:300]
        if response.status_code == 400:
            assert "month" in response.json()


def test_a_target_beyond_the_integer_range_is_a_field_error(api_for, city_clerk, county_a):
    response = api_for(city_clerk).post(
        "/api/targets/",
        {
            "county": county_a.pk,
            "year": 2026,
            "enrollment_target": 2147483648,
            "collection_target": "1.00",
            "revenue_plan": "1.00",
            "expenditure_plan": "1.00",
        },
    )
    assert response.status_code in (400, 403), response.content[:300]
    if response.status_code == 400:
        assert "enrollment_target" in response.json()


@pytest.mark.parametrize("empty", ["minute", "hour", "day_of_month"])
def test_the_schedule_page_with_an_empty_field_is_a_form_error(client_for, city_clerk, empty):
    data = {"minute": "30", "hour": "21", "day_of_month": "28-31", "enabled": "on", empty: ""}
    response = client_for(city_clerk).post(reverse("settlement:schedule"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[empty]


def _project_classes(room: str, base: type) -> list[type]:
    """Every subclass of ``base`` defined in a ``<room>.py`` module of the project's features."""
    import importlib
    import inspect
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    found = []
    for app in ("pooling", "enrollment", "funds", "settlement"):
        for path in sorted((root / app).glob(f"*/{room}.py")):
            module = importlib.import_module(".".join(path.relative_to(root).with_suffix("").parts))
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, base)
                and value.__module__ == module.__name__
            ]
    return found


INPUT_SERIALIZER_WORDS = ("Input", "Query", "Admit", "Update")


def _input_classes(room: str, base: type) -> list[type]:
    """The forms, or the serializers that read a request (not those that only answer)."""
    return [
        cls
        for cls in _project_classes(room, base)
        if room == "forms" or any(word in cls.__name__ for word in INPUT_SERIALIZER_WORDS)
    ]


def _declared_fields(cls) -> dict:
    return getattr(cls, "base_fields", None) or getattr(cls, "_declared_fields", {})


def test_every_integer_input_is_bounded_and_every_year_is_a_year_field():
    """The class fix: no form or serializer takes an unbounded integer (2147483648 overflows a
    column) or a year outside 2000–2100 (a date computation fails)."""
    from django import forms
    from rest_framework import serializers

    from pooling.core.forms import YearField as FormYear
    from pooling.core.serializers import ScopedCountyField
    from pooling.core.serializers import YearField as SerializerYear

    unbounded, loose_years = [], []
    for room, base, integer, year in (
        ("forms", forms.BaseForm, forms.IntegerField, FormYear),
        ("serializers", serializers.Serializer, serializers.IntegerField, SerializerYear),
    ):
        for cls in _input_classes(room, base):
            for name, field in _declared_fields(cls).items():
                if getattr(field, "read_only", False):
                    continue
                # Django's DecimalField and FloatField are IntegerFields too; money has its own
                # bound (max_digits).
                numeric = isinstance(field, (forms.DecimalField, forms.FloatField))
                # A scoped county id is bounded in ScopedCountyField.to_internal_value.
                numeric = numeric or isinstance(field, ScopedCountyField)
                if isinstance(field, integer) and not numeric and field.max_value is None:
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
                if name == "year" and not isinstance(field, year):
                    loose_years.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert (unbounded, loose_years) == ([], [])


def test_every_year_filter_is_the_year_filter():
    import django_filters

    from pooling.core.filters import YearFilter

    loose = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in _project_classes("filters", django_filters.FilterSet)
        if "year" in cls.base_filters and not isinstance(cls.base_filters["year"], YearFilter)
    ]
    assert loose == []


def test_every_free_text_input_is_bounded():
    """Free text has a length limit on every form and input serializer."""
    from django import forms
    from rest_framework import serializers

    from pooling.core.forms import MonthField
    from settlement.plans.serializers import MonthInputField

    unbounded = []
    for room, base, text in (
        ("forms", forms.BaseForm, forms.CharField),
        ("serializers", serializers.Serializer, serializers.CharField),
    ):
        for cls in _input_classes(room, base):
            for name, field in _declared_fields(cls).items():
                if getattr(field, "read_only", False) or not isinstance(field, text):
                    continue
                if isinstance(field, (MonthField, MonthInputField)):
                    continue  # parsed as YYYY-MM, not free text
                if getattr(field, "max_length", None) is None:
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    # The login forms take their username's length from the user model when they are made.
    assert sorted(unbounded) == [
        "pooling.accounts.forms.ThrottledAdminAuthenticationForm.password",
        "pooling.accounts.forms.ThrottledAdminAuthenticationForm.username",
        "pooling.accounts.forms.ThrottledAuthenticationForm.password",
        "pooling.accounts.forms.ThrottledAuthenticationForm.username",
    ]


def test_every_business_date_input_lies_between_2000_and_2100():
    from django import forms
    from rest_framework import serializers

    from pooling.core.periods import validate_business_date

    loose = []
    for room, base, date in (
        ("forms", forms.BaseForm, forms.DateField),
        ("serializers", serializers.Serializer, serializers.DateField),
    ):
        for cls in _input_classes(room, base):
            for name, field in _declared_fields(cls).items():
                if not isinstance(field, date) or getattr(field, "read_only", False):
                    continue
                if validate_business_date not in field.validators and name != "birth_date":
                    loose.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert loose == []


@pytest.mark.parametrize("date", ["1999-12-31", "2101-01-01", "0001-01-01"])
def test_a_business_date_outside_the_window_is_a_field_error(api_for, city_clerk, date):
    response = api_for(city_clerk).get(
        "/api/calendar-overrides/add-working-days/", {"start": date, "days": 3}
    )
    assert response.status_code == 400
    assert "start" in response.json()
