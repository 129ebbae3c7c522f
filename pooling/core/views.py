"""The pages' edge patterns, written once: the capability check, the form-view base and the
page of one workflow step."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.base import ContextMixin

from pooling.core.access import has_capability
from pooling.core.imports import ImportReport
from pooling.core.workflow import Transition


class CapabilityRequiredMixin:
    """Deny (403) unless the user holds ``capability``; for POST also ``write_capability``.

    Pages without a declared capability are denied: the default is deny.
    """

    capability: str | None = None
    write_capability: str | None = None

    def may_write(self, user) -> bool:
        return bool(self.write_capability) and has_capability(user, self.write_capability)

    def dispatch(self, request, *args, **kwargs):
        if not self.capability or not has_capability(request.user, self.capability):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "OPTIONS") and not self.may_write(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, or on top."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


class ServiceFormView(CapabilityRequiredMixin, ContextMixin, View):
    """A page whose form goes to one service: the one form-view base of every app.

    GET shows the form (an upload page, ``multipart``, only to who may write: 403 otherwise).
    POST validates it and calls ``perform``; a service's
    ``ValidationError`` appears next to the field it names (or above the form), nothing is
    saved and the page answers 400; on success the user is redirected with
    ``success_message``. Subclasses set ``capability`` and ``write_capability``, ``heading``
    and ``success_message``, and implement ``get_form``, ``perform`` and
    ``get_success_url``. ``template_name`` defaults to the generic ``form.html``; a page
    with more around its form extends it or adds to ``get_context_data`` (Django's
    ``ContextMixin``: a list mixin such as ``MultipleObjectMixin`` placed after this class
    adds its page of rows). The button says ``submit_label``; a view that takes one
    workflow ``transition`` shows the transition's label; otherwise "Save".
    """

    template_name = "form.html"
    heading: str | Promise = ""
    success_message: str | Promise = ""
    submit_label: str | Promise = ""
    multipart = False
    cancel_url_name = ""

    def get_submit_label(self) -> str | Promise:
        transition = getattr(self, "transition", None)
        return self.submit_label or (transition.label if transition is not None else "")

    def get_form(self, data=None, files=None) -> Form:
        raise NotImplementedError

    def perform(self, form: Form) -> Any:
        raise NotImplementedError

    def get_success_url(self, result: Any) -> str:
        raise NotImplementedError

    def get_cancel_url(self) -> str:
        """Where "Cancel" goes: ``cancel_url_name``, else the home page."""
        return reverse(self.cancel_url_name or "home")

    def render_form(self, form: Form, *, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, self.get_context_data(form=form), status=status
        )

    def dispatch(self, request, *args, **kwargs):
        # An upload page exists only to write: who may only read (an auditor) is refused the
        # page itself, not only its POST.
        if self.multipart and request.user.is_authenticated and not self.may_write(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

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


class ImportFormView(ServiceFormView):
    """An upload page whose one service reads a table and returns an ``ImportReport``: the
    rows imported are counted in a message, and with any row error the page stays (400) with
    the row-by-row report below the form. A subclass says only which service reads the file
    (``import_file``)."""

    multipart = True
    report: ImportReport | None = None

    def import_file(self, upload, form: Form) -> ImportReport:
        raise NotImplementedError

    def perform(self, form: Form) -> ImportReport:
        self.report = self.import_file(form.cleaned_data["file"], form)
        if self.report.imported:
            messages.success(
                self.request, _("%(count)s rows imported.") % {"count": self.report.imported}
            )
        if self.report.has_errors:
            raise ValidationError(_("Some rows have errors; see the row-by-row report below."))
        return self.report

    def get_context_data(self, **context):
        return super().get_context_data(report=self.report, **context)


class TransitionView(ServiceFormView):
    """The page of one workflow step (``transition``) on one object.

    The object's page shows a button for each step the user may take
    (``{% available_actions %}``); the button posts here. This page confirms the step — and
    asks for a reason when ``form_class`` has one — then ``perform`` calls the step's service
    and the user returns to the object's page (``detail_url_name``). Only those the
    transition allows open it (403); the object comes from ``get_queryset()``, the user's
    scope, so another county's object is a 404. Subclasses set ``capability`` (who may read
    the object), ``transition`` and ``detail_url_name``, and implement ``get_queryset`` and
    ``perform`` (the object is ``self.object``).
    """

    transition: Transition
    form_class: type[Form] = Form
    detail_url_name = ""

    def may_write(self, user) -> bool:
        return self.transition.allows(user)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.transition.allows(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError

    @cached_property
    def object(self) -> Model:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @property
    def heading(self) -> str:
        return f"{self.transition.label} · {self.object}"

    def get_form(self, data=None, files=None) -> Form:
        return self.form_class(data)

    def detail_pk(self) -> int:
        """The key of the page the user returns to (the object's own, by default)."""
        return self.object.pk

    def get_success_url(self, result: Any = None) -> str:
        return reverse(self.detail_url_name, args=[self.detail_pk()])

    def get_cancel_url(self) -> str:
        return self.get_success_url()


class SortableListMixin:
    """A list page sorted by the column the reader clicks: ``?sort=name`` or ``?sort=-name``.

    ``sort_fields`` maps each sortable column's key to its ORM ordering; an unknown key is
    ignored (the list keeps its own order), so a typed URL never errors. The header cells use
    ``{% sort_header "name" _("Name") %}`` (``pooling_tags``), which keeps the filter and
    resets the page. The primary key breaks ties, so pages never overlap."""

    sort_fields: dict[str, str] = {}

    def sort_key(self) -> str:
        key = self.request.GET.get("sort", "")
        return key if key.lstrip("-") in self.sort_fields else ""

    def sort_queryset(self, queryset: QuerySet) -> QuerySet:
        key = self.sort_key()
        if not key:
            return queryset
        field = self.sort_fields[key.lstrip("-")]
        if key.startswith("-"):
            return queryset.order_by(f"-{field}", "-pk")
        return queryset.order_by(field, "pk")

    def get_context_data(self, *, object_list=None, **kwargs):
        queryset = object_list if object_list is not None else self.object_list
        return super().get_context_data(object_list=self.sort_queryset(queryset), **kwargs)
