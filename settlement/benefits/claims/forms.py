"""Forms of the claim pages; the services screen and refuse, the forms show the reasons next
to the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from enrollment.people.models import InsuredPerson
from pooling.core.forms import BusinessDateField, DateInput, MonthField, UploadFileField
from settlement.benefits.standards.models import MedicalType, Referral
from settlement.institutions.models import DesignatedInstitution


def _money(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, min_value=0)


class ClaimForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=DesignatedInstitution.objects.none()
    )
    certno = forms.CharField(label=_("ID number of the insured person (certno)"), max_length=18)
    setl_id = forms.CharField(label=_("Settlement id (setl_id)"), max_length=40)
    med_type = forms.ChoiceField(label=_("Medical type"), choices=MedicalType.choices)
    referral = forms.ChoiceField(
        label=_("Referral"), choices=Referral.choices, initial=Referral.IN_CITY
    )
    begndate = BusinessDateField(
        label=_("Admission or visit date (begndate)"),
        widget=DateInput(),
    )
    setl_time = forms.DateTimeField(
        label=_("Settlement time (setl_time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    medfee_sumamt = _money(_("Total cost (medfee_sumamt)"))
    fulamt_ownpay_amt = _money(_("Fully self-paid (fulamt_ownpay_amt)"))
    overlmt_selfpay = _money(_("Over-limit self-paid (overlmt_selfpay)"))
    preselfpay_amt = _money(_("Class-B pre-paid self part (preselfpay_amt)"))
    inscp_scp_amt = _money(_("In-policy amount (inscp_scp_amt)"))
    acct_used_flag = forms.BooleanField(
        label=_("Pay from the personal account (acct_used_flag)"), required=False
    )

    def __init__(self, *args, institutions, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.people = people

    def clean_certno(self) -> InsuredPerson:
        number = self.cleaned_data["certno"].strip().upper()
        person = self.people.filter(id_number=number).first()
        if person is None:
            raise forms.ValidationError(_("No insured person has this ID number."))
        return person


class ClaimImportForm(forms.Form):
    file = UploadFileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with the national column names: setl_id, certno, fixmedins_code, "
            "med_type, referral, begndate, setl_time, acct_used_flag, medfee_sumamt, "
            "fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt."
        ),
    )
    import_valid_rows = forms.BooleanField(
        label=_("Import the valid rows and report the refused ones"), required=False
    )


class ClaimSettleForm(forms.Form):
    month = MonthField(label=_("Month"))


class ClaimRefundForm(forms.Form):
    setl_id = forms.CharField(label=_("Settlement id of the refund (setl_id)"), max_length=40)
    setl_time = forms.DateTimeField(
        label=_("Refund time (setl_time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
