"""Pages of the pooling structure: the home page, member units (counties), their pooling
models over time and accession evaluations. Reads through ``selectors``, writes through
``services``."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.structure import selectors, services
from pooling.structure.filters import (
    AccessionEvaluationFilter,
    CountyFilter,
    CountyPoolingModelFilter,
)
from pooling.structure.forms import AccessionEvaluationForm, PoolingModelForm


class CountyListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = CountyFilter
    template_name = "pooling/structure/county_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.counties_for(user=self.request.user)


class CountyDetailView(CapabilityRequiredMixin, DetailView):
    capability = "pooling.view_structure"
    template_name = "pooling/structure/county_detail.html"
    context_object_name = "county"

    def get_queryset(self):
        # A county outside the user's scope is simply not found (404), so its existence leaks
        # nothing.
        return selectors.counties_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = self.object
        context["pooling_models"] = county.pooling_models.all()
        context["evaluations"] = county.evaluations.select_related("decided_by")
        context["county_rules"] = county.rules.all()
        return context


class PoolingModelListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = CountyPoolingModelFilter
    template_name = "pooling/structure/pooling_model_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.county_pooling_models_for(user=self.request.user)


class PoolingModelCreateView(ServiceFormView):
    capability = write_capability = "pooling.change_structure"
    heading = _("Change a county's pooling model")
    success_message = _("The pooling model was changed.")
    cancel_url_name = "pooling:pooling_model_list"

    def get_form(self, data=None, files=None):
        return PoolingModelForm(data, counties=selectors.counties_for(user=self.request.user))

    def perform(self, form):
        return services.county_pooling_model_set(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("pooling:county_detail", args=[result.county_id])


class AccessionListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_structure"
    filterset_class = AccessionEvaluationFilter
    template_name = "pooling/structure/accession_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.accession_evaluations_for(user=self.request.user)


class AccessionCreateView(ServiceFormView):
    capability = write_capability = "pooling.record_accession"
    heading = _("Record an accession evaluation")
    success_message = _("The evaluation was recorded.")
    cancel_url_name = "pooling:accession_list"

    def get_form(self, data=None, files=None):
        return AccessionEvaluationForm(
            data, counties=selectors.counties_for(user=self.request.user)
        )

    def perform(self, form):
        return services.accession_evaluation_record(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result) -> str:
        return reverse("pooling:accession_list")
