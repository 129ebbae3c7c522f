"""Pages of the designated institutions: list, admission, detail with the reviews, edit and
the yearly review. Thin: they call ``enrollment.institutions`` and show its refusals next to
the fields. Another county's institution is a 404 for a county officer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, add_service_errors
from pooling.structure.selectors import counties_for
from settlement.institutions import selectors, services
from settlement.institutions.forms import (
    InstitutionAdmitForm,
    InstitutionReviewForm,
    InstitutionUpdateForm,
)
from settlement.institutions.models import DesignatedInstitution

VIEW = "enrollment.view_institutions"
CHANGE = "enrollment.change_institutions"


FORM_TEMPLATE = "settlement/institutions/form.html"


class InstitutionListView(CapabilityRequiredMixin, ListExportMixin, ListView):
    capability = VIEW
    template_name = "settlement/institutions/list.html"
    paginate_by = 50
    export_filename = "designated-institutions"
    export_title = gettext_lazy("Designated institutions")
    export_columns = (
        (gettext_lazy("Institution code"), "code"),
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kind"), "kind"),
        (gettext_lazy("Level"), "level"),
        (gettext_lazy("County"), "county__name"),
        (gettext_lazy("Agreement from"), "agreement_from"),
        (gettext_lazy("Agreement to"), "agreement_to"),
        (gettext_lazy("Status"), "status"),
    )

    def get_queryset(self):
        queryset = selectors.institutions_for(user=self.request.user)
        status = self.request.GET.get("status")
        if status in DesignatedInstitution.Status.values:
            queryset = queryset.filter(status=status)
        kind = self.request.GET.get("kind")
        if kind in DesignatedInstitution.Kind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=DesignatedInstitution.Status.choices,
            kinds=DesignatedInstitution.Kind.choices,
            **kwargs,
        )


class InstitutionAdmitView(CapabilityRequiredMixin, View):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Admit a designated institution")

    def _form(self, request, data=None):
        return InstitutionAdmitForm(data, counties=counties_for(user=request.user))

    def get(self, request):
        return render(request, FORM_TEMPLATE, {"form": self._form(request), "view": self})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                institution = services.institution_admit(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("%(name)s admitted.") % {"name": institution.name})
                return redirect("settlement:institution_detail", pk=institution.pk)
        return render(request, FORM_TEMPLATE, {"form": form, "view": self}, status=400)


def _institution(request, pk: int) -> DesignatedInstitution:
    return get_object_or_404(selectors.institutions_for(user=request.user), pk=pk)


class InstitutionDetailView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request, pk: int):
        institution = _institution(request, pk)
        return render(
            request,
            "settlement/institutions/detail.html",
            {
                "institution": institution,
                "reviews": selectors.institution_reviews(institution=institution),
                "payment_refusal": selectors.institution_payment_refusal(
                    institution=institution, on=timezone.localdate()
                ),
            },
        )


class InstitutionUpdateView(CapabilityRequiredMixin, View):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Edit a designated institution")

    def get(self, request, pk: int):
        institution = _institution(request, pk)
        form = InstitutionUpdateForm(
            initial={
                field: getattr(institution, field)
                for field in ("name", "level", "agreement_from", "agreement_to", "status")
            }
        )
        return render(request, FORM_TEMPLATE, {"form": form, "view": self})

    def post(self, request, pk: int):
        institution = _institution(request, pk)
        form = InstitutionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.institution_update(
                    institution=institution, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("settlement:institution_detail", pk=institution.pk)
        return render(request, FORM_TEMPLATE, {"form": form, "view": self}, status=400)


class InstitutionReviewView(CapabilityRequiredMixin, View):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Record the yearly review")

    def get(self, request, pk: int):
        _institution(request, pk)
        today = timezone.localdate()
        form = InstitutionReviewForm(initial={"reviewed_on": today, "year": today.year - 1})
        return render(request, FORM_TEMPLATE, {"form": form, "view": self})

    def post(self, request, pk: int):
        institution = _institution(request, pk)
        form = InstitutionReviewForm(request.POST)
        if form.is_valid():
            try:
                services.institution_review_record(
                    institution=institution, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect("settlement:institution_detail", pk=institution.pk)
        return render(request, FORM_TEMPLATE, {"form": form, "view": self}, status=400)
