"""The API's edge patterns, written once: the exception handler that turns a service's
``ValidationError`` into a 400 with field errors, and the scoped input of a write endpoint.

Services raise Django's ``ValidationError`` (they know nothing of HTTP); views and viewsets
call them directly and let this handler answer, so no endpoint wraps its service calls.
"""

import dataclasses
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from pooling.accounts.models import User
from pooling.structure.models import Municipality


def as_api_error(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 with field errors; what names no field (or
    Django's ``__all__``) is under ``non_field_errors``, as DRF puts its own."""
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                non_field if field == NON_FIELD_ERRORS else field: field_messages
                for field, field_messages in error.message_dict.items()
            }
        )
    return ValidationError({non_field: error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's handler, plus: a Django ``ValidationError`` from a service is a 400 whose body
    names each field (``{"amount": ["…"]}``) or ``non_field_errors``; one that carries an
    import ``report`` (a rejected upload) adds the row-by-row report to the body."""
    report = getattr(exc, "report", None)
    if isinstance(exc, DjangoValidationError):
        exc = as_api_error(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and report is not None:
        response.data = {**response.data, **report.as_dict()}
    return response


def scoped_input(
    serializer_class: type[serializers.Serializer],
    request: Request,
    scopes: dict[str, QuerySet],
) -> dict[str, Any]:
    """Validate ``request.data`` with the related choices limited to what the user may see:
    an object outside the user's scope is an invalid choice (400), never a write. A scope of
    a list field (``many=True``) limits each of its items."""
    serializer = serializer_class(data=request.data, context={"request": request})
    for name, queryset in scopes.items():
        if name in serializer.fields:
            field = serializer.fields[name]
            getattr(field, "child_relation", field).queryset = queryset
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def user_municipality(user: User) -> Municipality:
    """The municipality a request acts for; a user bound to none finds nothing (404)."""
    if user.municipality_id is None:
        raise Http404
    return user.municipality


def plain(instance: Any) -> dict[str, Any]:
    """A dataclass as JSON-safe data: money as strings, like the serializers' decimals."""
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in dataclasses.asdict(instance).items()
    }
