"""Browser forms of the working-day calendar: an override of one day, and the calculator."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import BusinessDateField, DateInput
from pooling.workdays.selectors import add_working_days


class CalendarOverrideForm(forms.Form):
    date = BusinessDateField(label=_("Date"))
    is_workday = forms.TypedChoiceField(
        label=_("Kind of day"),
        choices=[("1", _("workday (adjusted)")), ("0", _("holiday"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class WorkingDaysForm(forms.Form):
    """The calculator: ``cleaned_data["result"]`` is the day ``days`` working days after
    ``start``; a year the calendar does not know is an error on ``start``."""

    start = BusinessDateField(label=_("Start date"), widget=DateInput())
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=60)

    def clean(self):
        cleaned = super().clean()
        if "start" in cleaned and "days" in cleaned:
            try:
                cleaned["result"] = add_working_days(cleaned["start"], cleaned["days"])
            except ValidationError as error:
                self.add_error("start", error)
        return cleaned
