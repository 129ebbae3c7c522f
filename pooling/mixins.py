"""View helpers shared by every app's pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form

from pooling.access import has_capability


class CapabilityRequiredMixin:
    """Deny (403) unless the user holds ``capability``; for POST also ``write_capability``.

    Pages without a declared capability are denied: the default is deny.
    """

    capability: str | None = None
    write_capability: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not self.capability or not has_capability(request.user, self.capability):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "OPTIONS") and not (
            self.write_capability and has_capability(request.user, self.write_capability)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, or on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
