"""Pages of the designated institutions: the list, admission, the detail with the reviews,
the edit and the yearly review. Another county's institution is a 404 for a county officer."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from pooling.core.exports import ListExportMixin
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.structure.selectors import counties_for
from settlement.institutions import selectors, services
from settlement.institutions.forms import (
    InstitutionAdmitForm,
    InstitutionReviewForm,
    InstitutionUpdateForm,
)
from settlement.institutions.models import DesignatedInstitution

VIEW = "settlement.view_institutions"
CHANGE = "settlement.change_institutions"


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


class InstitutionAdmitView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("Admit a designated institution")
    cancel_url_name = "settlement:institution_list"

    def get_form(self, data=None, files=None):
        return InstitutionAdmitForm(data, counties=counties_for(user=self.request.user))

    def perform(self, form) -> DesignatedInstitution:
        self.institution = services.institution_admit(actor=self.request.user, **form.cleaned_data)
        return self.institution

    @property
    def success_message(self) -> str:
        return _("%(name)s admitted.") % {"name": self.institution.name}

    def get_success_url(self, institution: DesignatedInstitution) -> str:
        return reverse("settlement:institution_detail", args=[institution.pk])


class InstitutionDetailView(CapabilityRequiredMixin, View):
    capability = VIEW

    def get(self, request, pk: int):
        institution = get_object_or_404(selectors.institutions_for(user=request.user), pk=pk)
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


class _InstitutionFormView(ServiceFormView):
    """A form about one institution the user may see (another county's is a 404); the
    heading names it, and saving or cancelling leads back to it."""

    capability = write_capability = CHANGE
    title = ""

    @cached_property
    def institution(self) -> DesignatedInstitution:
        return get_object_or_404(
            selectors.institutions_for(user=self.request.user), pk=self.kwargs["pk"]
        )

    @property
    def heading(self) -> str:
        return f"{self.title} · {self.institution.name}"

    def get_success_url(self, result) -> str:
        return reverse("settlement:institution_detail", args=[self.institution.pk])

    def get_cancel_url(self) -> str:
        return self.get_success_url(None)


class InstitutionUpdateView(_InstitutionFormView):
    title = gettext_lazy("Edit a designated institution")
    success_message = gettext_lazy("Saved.")

    def get_form(self, data=None, files=None):
        fields = ("name", "level", "agreement_from", "agreement_to", "status")
        initial = {field: getattr(self.institution, field) for field in fields}
        return InstitutionUpdateForm(data, initial=initial)

    def perform(self, form) -> DesignatedInstitution:
        return services.institution_update(
            institution=self.institution, actor=self.request.user, **form.cleaned_data
        )


class InstitutionReviewView(_InstitutionFormView):
    title = gettext_lazy("Record the yearly review")
    success_message = gettext_lazy("Review recorded.")

    def get_form(self, data=None, files=None):
        today = timezone.localdate()
        return InstitutionReviewForm(data, initial={"reviewed_on": today, "year": today.year - 1})

    def perform(self, form):
        return services.institution_review_record(
            institution=self.institution, actor=self.request.user, **form.cleaned_data
        )
