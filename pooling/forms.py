"""Browser forms of the pooling structure. They validate input; services do the writing."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling import login_throttle
from pooling.models import AccessionEvaluation, County, PoolingModel
from pooling.rules import RULES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


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


class CountyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: County) -> str:
        return f"{obj.name} ({obj.code})"


class PoolingModelForm(forms.Form):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    model = forms.ChoiceField(label=_("Pooling model"), choices=PoolingModel.choices)
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class AccessionEvaluationForm(forms.Form):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    evaluated_on = forms.DateField(label=_("Evaluation date"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("Result"), choices=AccessionEvaluation.Result.choices, widget=forms.RadioSelect
    )
    join_date = forms.DateField(
        label=_("Joining date"),
        required=False,
        widget=DateInput(),
        help_text=_("Required when the evaluation is passed."),
    )
    model_after = forms.ChoiceField(
        label=_("Pooling model after joining"),
        choices=[("", "---------"), *PoolingModel.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


def rule_choices() -> list[tuple[str, str]]:
    return [(key, f"{spec.label} [{key}]") for key, spec in RULES.items()]


class PolicyRuleForm(forms.Form):
    key = forms.ChoiceField(label=_("Rule"), choices=rule_choices)
    county = CountyChoiceField(
        label=_("County"),
        queryset=County.objects.none(),
        required=False,
        help_text=_("Only for a county's own value before its accession; empty for the city."),
    )
    value = forms.DecimalField(
        label=_("Value"),
        max_digits=20,
        decimal_places=6,
        help_text=_("Rates are fractions: write 0.074 for 7.4 per cent."),
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=DateInput())
    effective_to = forms.DateField(label=_("Effective until"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value < 0:
            raise ValidationError(_("A rule value cannot be negative."), code="negative")
        return value


class CalendarOverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(
        label=_("Kind of day"),
        choices=[("1", _("workday (adjusted)")), ("0", _("holiday"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class WorkingDaysForm(forms.Form):
    start = forms.DateField(label=_("Start date"), widget=DateInput())
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=60)
