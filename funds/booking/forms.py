"""Forms of the collection, retiree-credit and top-up booking pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.contributions.forms import TopUpForm
from pooling.core.forms import MonthField


class RetireeCreditsForm(forms.Form):
    month = MonthField(label=_("Month"))


class TopUpBookForm(TopUpForm):
    """The calculator's inputs plus the paying employer; the amount is always recomputed."""

    employer_code = forms.CharField(
        label=_("Paying employer's credit code"),
        max_length=18,
        required=False,
        help_text=_("Empty when the person pays."),
    )

    def clean_employer_code(self):
        return self.cleaned_data.get("employer_code", "").strip().upper()
