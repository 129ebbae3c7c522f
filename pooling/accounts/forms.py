"""The login forms of the page and of ``/admin/``: django-axes counts their failures
(``pooling.accounts.login_throttle``); a locked attempt shows the lockout message."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from pooling.accounts import login_throttle


class _LockoutMessage:
    """Replace "wrong password" by the lockout message when django-axes refused the attempt."""

    request = None

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(login_throttle.locked_message(), code="locked") from None
            raise


class ThrottledAuthenticationForm(_LockoutMessage, AuthenticationForm):
    """The login page's form."""


class ThrottledAdminAuthenticationForm(_LockoutMessage, AdminAuthenticationForm):
    """``/admin/login/``'s form."""
