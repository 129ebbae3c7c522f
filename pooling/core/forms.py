"""Form fields and widgets every app's forms share: ISO date inputs, county choices, months,
uploaded tables."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.imports import validate_upload_size
from pooling.core.money import parse_month
from pooling.core.periods import YEAR_MAX, YEAR_MIN, validate_business_date
from pooling.structure.models import County


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class CountyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: County) -> str:
        return f"{obj.name} ({obj.code})"


class YearField(forms.IntegerField):
    """A business year, 2000 to 2100 (``pooling.core.periods``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(**kwargs)


class BusinessDateField(forms.DateField):
    """A business date, 2000-01-01 to 2100-12-31, typed in an ISO date input."""

    default_validators = [validate_business_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)


class UploadFileField(forms.FileField):
    """An uploaded table: refused with a clear error over ``UPLOAD_MAX_BYTES``."""

    default_validators = [validate_upload_size]


class MonthField(forms.CharField):
    """A month typed as YYYY-MM, cleaned to the date of its first day."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        kwargs.setdefault("help_text", _("YYYY-MM"))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None


class ReturnForm(forms.Form):
    """Returning a plan or an application to whoever submitted it: the reason is required."""

    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
