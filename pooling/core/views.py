"""The pages' edge patterns, written once: the capability check and the form-view base."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.views import View

from pooling.core.access import has_capability


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


class _ServiceFormView(CapabilityRequiredMixin, View):
    """GET shows the form; POST validates it and calls the service, showing service errors
    next to their fields. Subclasses define ``form_class``, ``make_form`` and ``perform``."""

    template_name = ""
    success_message = ""

    def make_form(self, data=None):
        raise NotImplementedError

    def perform(self, form):
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"form": self.make_form(), "view": self})

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.success_url(result))
        return render(request, self.template_name, {"form": form, "view": self}, status=400)


class ServiceFormView(CapabilityRequiredMixin, View):
    """A page whose form goes to one service: the one form-view base of every app.

    GET shows the form. POST validates it and calls ``perform``; a service's
    ``ValidationError`` appears next to the field it names (or above the form), nothing is
    saved and the page answers 400; on success the user is redirected with
    ``success_message``. Subclasses set ``capability`` and ``write_capability``, ``heading``
    and ``success_message``, and implement ``get_form``, ``perform`` and
    ``get_success_url``. ``template_name`` defaults to the generic ``form.html``; a page
    with more around its form extends it or adds to ``get_context_data``.
    """

    template_name = "form.html"
    heading: str | Promise = ""
    success_message: str | Promise = ""
    multipart = False
    cancel_url_name = ""

    def get_form(self, data=None, files=None) -> Form:
        raise NotImplementedError

    def perform(self, form: Form) -> Any:
        raise NotImplementedError

    def get_success_url(self, result: Any) -> str:
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        """Where "Cancel" goes: ``cancel_url_name``, else the home page."""
        return reverse(self.cancel_url_name or "home")

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"view": self, **context}

    def render_form(self, form: Form, *, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=status
        )

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = self.perform(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if self.success_message:
                    messages.success(request, str(self.success_message))
                return HttpResponseRedirect(self.get_success_url(result))
        return self.render_form(form, status=400)
