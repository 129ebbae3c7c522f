"""Browser forms of the pooling structure. They validate input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import DateInput


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
