"""Forms of the quarterly interest: the quarter to compute and the bank's figure to confirm."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import BusinessDateField, DateInput


class InterestComputeForm(forms.Form):
    settlement_date = BusinessDateField(
        label=_("Settlement date"),
        help_text=_("The 20th of March, June, September or December."),
        widget=DateInput(),
    )


class InterestConfirmForm(forms.Form):
    bank_interest = forms.DecimalField(
        label=_("Interest the bank credited"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        help_text=_("From the bank's interest slip; this amount is booked."),
    )
