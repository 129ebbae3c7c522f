"""The API's one exception handler and scoped input: a service's ``ValidationError`` is a 400
naming its fields (or ``non_field_errors``), DRF's own errors are unchanged, and a related
object outside the user's scope is an invalid choice. Throwaway endpoints called directly."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from pooling.core.api import plain, scoped_input, user_municipality
from pooling.structure.models import County
from pooling.structure.selectors import counties_for

pytestmark = pytest.mark.django_db


class CountyInput(serializers.Serializer):
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none())
    counties = serializers.PrimaryKeyRelatedField(
        queryset=County.objects.none(), many=True, required=False
    )
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)


def refuse_on_a_field():
    raise ValidationError({"amount": "The amount exceeds the plan by 50,000.00."})


def refuse_as_a_whole():
    raise ValidationError("The month is closed.")


def refuse_on_all():
    raise ValidationError({NON_FIELD_ERRORS: ["Nothing may change now."]})


def refuse_with_params():
    raise ValidationError(
        {"county": ValidationError("%(name)s has no plan.", params={"name": "任城区"})}
    )


def not_found():
    raise NotFound()


class Endpoint(APIView):
    """Calls the service it is given directly, as every endpoint does."""

    read_capability = write_capability = "pooling.view_structure"
    service = None

    def post(self, request):
        if self.service is not None:
            self.service()
        scope = counties_for(user=request.user)
        data = scoped_input(CountyInput, request, {"county": scope, "counties": scope})
        counties = [county.pk for county in data.get("counties", [])]
        return Response({"county": data["county"].pk, "counties": counties})


def _post(user, data=None, service=None):
    request = APIRequestFactory().post("/", data or {}, format="json")
    force_authenticate(request, user=user)
    return Endpoint.as_view(service=service)(request)


@pytest.mark.parametrize(
    ("service", "body"),
    [
        (refuse_on_a_field, {"amount": ["The amount exceeds the plan by 50,000.00."]}),
        (refuse_as_a_whole, {"non_field_errors": ["The month is closed."]}),
        (refuse_on_all, {"non_field_errors": ["Nothing may change now."]}),
        (refuse_with_params, {"county": ["任城区 has no plan."]}),
    ],
)
def test_a_service_error_is_a_400_naming_its_field(city_clerk, service, body):
    response = _post(city_clerk, service=service)
    assert response.status_code == 400
    assert response.data == body


def test_drf_validation_errors_are_unchanged(city_clerk):
    response = _post(city_clerk, {"amount": "abc"})
    assert response.status_code == 400
    assert response.data == {
        "county": [str(serializers.Field.default_error_messages["required"])],
        "amount": [str(serializers.DecimalField.default_error_messages["invalid"])],
    }
    assert [response.data["county"][0].code, response.data["amount"][0].code] == [
        "required",
        "invalid",
    ]


def test_drf_other_errors_are_unchanged(city_clerk):
    assert _post(city_clerk, service=not_found).status_code == 404
    anonymous = APIRequestFactory().post("/", {}, format="json")
    assert Endpoint.as_view()(anonymous).status_code == 403


def test_scoped_input_refuses_a_county_outside_the_users_scope(
    county_a_officer, county_a, county_b
):
    outside = _post(county_a_officer, {"county": county_b.pk, "amount": "1"})
    assert outside.status_code == 400
    assert set(outside.data) == {"county"}
    assert outside.data["county"][0].code == "does_not_exist"
    inside = _post(county_a_officer, {"county": county_a.pk, "amount": "1"})
    assert inside.status_code == 200
    assert inside.data == {"county": county_a.pk, "counties": []}


def test_scoped_input_limits_every_item_of_a_list_field(county_a_officer, county_a, county_b):
    mixed = _post(
        county_a_officer,
        {"county": county_a.pk, "counties": [county_a.pk, county_b.pk], "amount": "1"},
    )
    assert mixed.status_code == 400
    assert set(mixed.data) == {"counties"}
    own = _post(county_a_officer, {"county": county_a.pk, "counties": [county_a.pk], "amount": "1"})
    assert own.data == {"county": county_a.pk, "counties": [county_a.pk]}


def test_user_municipality_is_not_found_for_an_account_without_one(city_clerk, jining):
    assert user_municipality(city_clerk) == jining
    city_clerk.municipality = None
    with pytest.raises(Http404):
        user_municipality(city_clerk)


def test_plain_turns_a_dataclass_into_json_safe_data():
    @dataclasses.dataclass
    class Figures:
        month: datetime.date
        amount: Decimal
        count: int

    assert plain(Figures(datetime.date(2026, 1, 1), Decimal("9000000.00"), 3)) == {
        "month": datetime.date(2026, 1, 1),
        "amount": "9000000.00",
        "count": 3,
    }
