"""Forms of the benefit-settlement pages; the services validate, the forms show errors next
to the fields."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.forms import MonthField, UploadFileField, YearField
from pooling.core.periods import INTEGER_MAX, TEXT_MAX_LENGTH
from pooling.structure.models import County
from settlement.benefits.models import BENEFIT_FUND_CODES
from settlement.institutions.models import DesignatedInstitution


def _fund_choices():
    names = dict(FundType.objects.filter(code__in=BENEFIT_FUND_CODES).values_list("code", "name"))
    return [(code, f"{code} {names.get(code, '')}") for code in BENEFIT_FUND_CODES]


class BenefitStatementForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=DesignatedInstitution.objects.none()
    )
    month = MonthField(label=_("Month"))
    fund_code = forms.ChoiceField(label=_("Fund"), choices=())
    visits = forms.IntegerField(label=_("Visits"), min_value=0, max_value=INTEGER_MAX)
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed"), max_digits=18, decimal_places=2, min_value=0
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["fund_code"].choices = _fund_choices()


class BenefitImportForm(forms.Form):
    file = UploadFileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with a header row: institution_code, month (YYYY-MM), fund, visits, "
            "amount_claimed. Chinese headers (机构代码, 月份, 基金, 人次, 申报金额) are accepted."
        ),
    )


class PharmacySpendingForm(forms.Form):
    file = UploadFileField(
        label=_("File"),
        help_text=_(
            "CSV or XLSX with a header row: institution_code (the pharmacy), id_number, month "
            "(YYYY-MM), amount. Chinese headers (药店代码, 身份证号, 月份, 金额) are accepted."
        ),
    )


class BenefitReviewForm(forms.Form):
    amount_approved = forms.DecimalField(
        label=_("Amount approved"), max_digits=18, decimal_places=2, min_value=0
    )
    cut_reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Reason for the cut"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when less than the amount claimed is approved."),
    )


class BenefitUseFilterForm(forms.Form):
    year = YearField(label=_("Year"))
    county = forms.ModelChoiceField(
        label=_("County"), queryset=County.objects.none(), required=False
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties

    @classmethod
    def from_query(cls, query, *, counties) -> "BenefitUseFilterForm":
        """The form bound to a page's query, the current year where it names none."""
        data = query.copy()
        data.setdefault("year", str(timezone.localdate().year))
        return cls(data, counties=counties)
