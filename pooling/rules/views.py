"""Pages of the pooling structure. Thin: scope with selectors, write with services."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView

from pooling.core.views import CapabilityRequiredMixin, _ServiceFormView
from pooling.rules import selectors as rules_selectors
from pooling.rules import services
from pooling.rules.catalogue import RULES
from pooling.rules.filters import PolicyRuleFilter
from pooling.rules.forms import PolicyRuleForm
from pooling.structure import selectors as structure_selectors
from pooling.structure.views import _municipality_of


class RuleListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_rules"
    filterset_class = PolicyRuleFilter
    template_name = "pooling/rules/rule_list.html"
    paginate_by = 100

    def get_queryset(self):
        return rules_selectors.policy_rules_for(user=self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["specs"] = RULES
        return context


class RuleCreateView(_ServiceFormView):
    heading = gettext_lazy("Add a rule version")
    capability = write_capability = "pooling.change_rules"
    template_name = "pooling/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.success_message = _("The new rule version was saved.")
        return super().dispatch(request, *args, **kwargs)

    def make_form(self, data=None):
        initial = {"key": self.request.GET.get("key")} if data is None else None
        return PolicyRuleForm(
            data, initial=initial, counties=structure_selectors.counties_for(user=self.request.user)
        )

    def perform(self, form):
        municipality = _municipality_of(self.request.user, form.cleaned_data.get("county"))
        return services.policy_rule_add_version(
            municipality=municipality, actor=self.request.user, **form.cleaned_data
        )

    def success_url(self, result) -> str:
        return reverse("pooling:rule_list") + f"?key={result.key}"
