"""Forms of the monthly cycle pages."""

from celery.schedules import crontab
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pooling.core.money import parse_month


class MonthField(forms.Field):
    """A ``YYYY-MM`` month, cleaned to the date of its first day."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"placeholder": "2026-01", "maxlength": "7"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_month(str(value))


class CycleStartForm(forms.Form):
    month = MonthField(label=_("Month"), help_text=_("Written as YYYY-MM."))
    confirm = forms.BooleanField(
        label=_("I confirm: run this month's cycle now"),
        required=False,
        widget=forms.HiddenInput,
    )


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
        try:
            crontab(
                minute=cleaned.get("minute", ""),
                hour=cleaned.get("hour", ""),
                day_of_month=cleaned.get("day_of_month", ""),
            )
        except (ValueError, TypeError) as error:
            raise ValidationError(
                _("This is not a valid schedule: %(error)s"), params={"error": error}
            ) from error
        return cleaned
