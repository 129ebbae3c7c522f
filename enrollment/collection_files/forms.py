"""Browser forms of collection files. They validate input; services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pooling.core.forms import UploadFileField


class CollectionUploadForm(forms.Form):
    file = UploadFileField(
        label=_("Tax bureau collection file (CSV or XLSX: payer_code, month, amount)")
    )
