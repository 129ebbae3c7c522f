"""Forms of the year-end pages: a deficit-subsidy application (N 三(四)6) and the step of the
adjustment fund's year end to run (Z 四(九)). Returning an application uses the shared
``funds.history.forms.ReturnForm``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.ledger.models import FundType
from pooling.core.forms import YearField
from pooling.core.periods import TEXT_MAX_LENGTH
from pooling.structure.models import County
from settlement.yearend.models import ATTACHMENT_TYPES


class DeficitApplicationForm(forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    fund_type = forms.ModelChoiceField(label=_("Fund"), queryset=FundType.objects.order_by("code"))
    year = YearField(label=_("Year"))
    reason = forms.CharField(
        max_length=TEXT_MAX_LENGTH, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4})
    )
    attachment = forms.FileField(
        label=_("Written application"),
        help_text=_("PDF, OFD, Word or an image, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ATTACHMENT_TYPES)}),
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class AdjustmentRunForm(forms.Form):
    """Which step of the year end to run."""

    STEPS = (("contributions", _("contributions")), ("waterfall", _("waterfall")))
    year = YearField(label=_("Year"))
    step = forms.ChoiceField(label=_("Step"), choices=STEPS)
