"""Forms of the resident fund's pages: subsidy request and receipt, an assisting payer's
payment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.residents.models import Payer
from pooling.core.forms import BusinessDateField, DateInput, UploadFileField


class SubsidyRequestForm(forms.Form):
    benefit_year = forms.IntegerField(label=_("Benefit year"), min_value=2000, max_value=2100)


class SubsidyReceiveForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=2, min_value=0)
    received_on = BusinessDateField(label=_("Received on"), widget=DateInput())
    reference = forms.CharField(label=_("Voucher reference"), max_length=60)


class AssistedCollectForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=None)
    benefit_year = forms.IntegerField(label=_("Benefit year"), min_value=2000, max_value=2100)
    payer = forms.ChoiceField(
        label=_("Payer"), choices=[c for c in Payer.choices if c[0] != Payer.SELF]
    )
    received_on = BusinessDateField(label=_("Received on"), widget=DateInput())

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class CollectionImportForm(forms.Form):
    file = UploadFileField(label=_("CSV or XLSX file"))
    received_on = BusinessDateField(label=_("Received on"), widget=DateInput())
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows even if some rows have errors"), required=False
    )
