"""Pages of the dated rule values: the versions of every rule and the form that adds one."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView

from pooling.core.views import CapabilityRequiredMixin, ServiceFormView
from pooling.rules import selectors, services
from pooling.rules.catalogue import RULES
from pooling.rules.filters import PolicyRuleFilter
from pooling.rules.forms import PolicyRuleForm
from pooling.structure.selectors import counties_for


class RuleListView(CapabilityRequiredMixin, FilterView):
    capability = "pooling.view_rules"
    filterset_class = PolicyRuleFilter
    template_name = "pooling/rules/rule_list.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.policy_rules_for(user=self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["specs"] = RULES
        return context


class RuleCreateView(ServiceFormView):
    capability = write_capability = "pooling.change_rules"
    heading = _("Add a rule version")
    success_message = _("The new rule version was saved.")
    cancel_url_name = "pooling:rule_list"

    def get_form(self, data=None, files=None):
        # ``?key=`` (the list's "Add a version" of a filtered rule) preselects the rule.
        initial = {"key": self.request.GET.get("key")} if data is None else None
        return PolicyRuleForm(data, initial=initial, counties=counties_for(user=self.request.user))

    def perform(self, form):
        municipality = selectors.rule_municipality(
            user=self.request.user, county=form.cleaned_data.get("county")
        )
        return services.policy_rule_add_version(
            municipality=municipality, actor=self.request.user, **form.cleaned_data
        )

    def get_success_url(self, result) -> str:
        return reverse("pooling:rule_list") + "?" + urlencode({"key": result.key})
