"""Pages of the benefit standards: the dated versions (demo defaults marked) and a new
version, entered by the bureau."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from pooling.core.api import user_municipality
from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from settlement.benefits.standards import selectors, services
from settlement.benefits.standards.forms import BenefitStandardForm
from settlement.benefits.standards.models import BenefitStandard, MedicalType

VIEW = "settlement.view_benefit_standards"
CHANGE = "settlement.change_benefit_standards"


class BenefitStandardListView(CapabilityRequiredMixin, ListView):
    capability = VIEW
    template_name = "settlement/benefits/standards/list.html"
    paginate_by = 100

    def get_queryset(self):
        queryset = selectors.benefit_standards_for(user=self.request.user)
        medical_type = self.request.GET.get("medical_type")
        if medical_type in MedicalType.values:
            queryset = queryset.filter(medical_type=medical_type)
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(medical_types=MedicalType.choices, **kwargs)


class BenefitStandardAddView(ServiceFormView):
    capability = write_capability = CHANGE
    heading = gettext_lazy("New version of a benefit standard")
    success_message = gettext_lazy("Benefit standard saved.")
    cancel_url_name = "settlement:benefit_standard_list"

    def get_form(self, data=None, files=None):
        return BenefitStandardForm(data)

    def perform(self, form) -> BenefitStandard:
        return services.benefit_standard_add_version(
            municipality=user_municipality(self.request.user),
            actor=self.request.user,
            **form.cleaned_data,
        )

    def get_success_url(self, standard: BenefitStandard) -> str:
        return reverse("settlement:benefit_standard_list")
