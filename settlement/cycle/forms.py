"""Forms of the monthly cycle pages: the month to start (then its confirmation) and the
month-end schedule."""

from celery.schedules import ParseException, crontab
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import MonthField
from pooling.core.money import validate_month_ended


class CycleStartForm(forms.Form):
    """The month whose cycle to start. Asking (``?month=``) takes the month only; the
    confirmation carries it hidden with ``confirm``, which starting the cycle requires."""

    month = MonthField(label=_("Month"), help_text=_("Written as YYYY-MM."))
    confirm = forms.BooleanField(
        label=_("I confirm: run this month's cycle now"), widget=forms.HiddenInput
    )

    def __init__(self, *args, asking: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if asking:
            del self.fields["confirm"]

    def clean_month(self):
        """A month whose last day has not come cannot be run (``cycle_start`` refuses it
        too); saying so before the confirmation spares the user a step."""
        month = self.cleaned_data["month"]
        try:
            validate_month_ended(month)
        except ValidationError as error:
            raise ValidationError(error.message_dict["month"]) from error
        return month

    @classmethod
    def confirmation(cls, month) -> "CycleStartForm":
        """The confirmation of ``month``: every field hidden, ``confirm`` set."""
        form = cls(initial={"month": f"{month:%Y-%m}", "confirm": True})
        form.fields["month"].widget = forms.HiddenInput()
        return form


class ScheduleForm(forms.Form):
    """The month-end schedule, as crontab fields (Asia/Shanghai)."""

    minute = forms.CharField(label=_("Minute"), max_length=20)
    hour = forms.CharField(label=_("Hour"), max_length=20)
    day_of_month = forms.CharField(
        label=_("Days of the month"),
        max_length=60,
        help_text=_("The task starts cycles only on a month's last day, so 28-31 is usual."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False)

    def clean(self):
        cleaned = super().clean()
        fields = ("minute", "hour", "day_of_month")
        if any(not cleaned.get(name) for name in fields):
            return cleaned  # each empty field already has its "required" error
        try:
            crontab(**{name: cleaned[name] for name in fields})
        except (ValueError, TypeError, ParseException) as error:
            raise ValidationError(
                _("This is not a valid schedule: %(error)s"), params={"error": error}
            ) from error
        return cleaned
