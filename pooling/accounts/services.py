"""Writes of the users: the platform operator, the one superuser of the installation."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pooling.accounts.models import Role, User
from pooling.core.audit import audit_record


@transaction.atomic(durable=True)
def platform_operator_create(*, username: str, email: str, password: str) -> User:
    """Create the platform operator: a superuser above every municipality (no municipality,
    role administrator), who alone edits shared reference data such as the national holiday
    calendar. City administrators are never superusers (``pooling.core.admin``); this service
    and its command are the only way to make one. The password is checked by Django's
    validators; an existing username is refused."""
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Give the operator's username.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError(
            {"username": _("A user “%(username)s” exists already.") % {"username": username}}
        )
    user = User(username=username, email=email, role=Role.ADMINISTRATOR)
    validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    audit_record(actor=None, action="accounts.platform_operator_create", instance=user)
    return user
