"""Browser forms of the pooling structure. They validate input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import BusinessDateField, CountyChoiceField, DateInput
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.structure.models import AccessionEvaluation, County, PoolingModel


class PoolingModelForm(forms.Form):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    model = forms.ChoiceField(label=_("Pooling model"), choices=PoolingModel.choices)
    effective_from = BusinessDateField(label=_("Effective from"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class AccessionEvaluationForm(forms.Form):
    county = CountyChoiceField(label=_("County"), queryset=County.objects.none())
    evaluated_on = BusinessDateField(label=_("Evaluation date"), widget=DateInput())
    result = forms.ChoiceField(
        label=_("Result"), choices=AccessionEvaluation.Result.choices, widget=forms.RadioSelect
    )
    join_date = BusinessDateField(
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
        max_length=TEXT_MAX_LENGTH,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties
