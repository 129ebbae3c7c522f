"""The login form, with the throttle of repeated failures."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.accounts import login_throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, refusing further attempts after too many failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins. Wait 15 minutes and try again."),
    }

    def clean(self):
        username = self.data.get("username", "")
        address = login_throttle.client_address(self.request)
        if login_throttle.is_locked(username, address):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_throttle.record_failure(username, address)
            raise
        login_throttle.clear(username, address)
        return cleaned
