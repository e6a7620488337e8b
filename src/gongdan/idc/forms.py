"""Forms of the IDC inventory pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DeviceKind


class DeviceSearchForm(forms.Form):
    q = forms.CharField(label=_('Search'), required=False, max_length=100)
    kind = forms.ChoiceField(label=_('Kind'), required=False, choices=[('', _('All kinds')), *DeviceKind.choices])
    customer = forms.CharField(label=_('Customer'), required=False, max_length=100)


class ImportForm(forms.Form):
    file = forms.FileField(label=_('Inventory file'), help_text=_('CSV (UTF-8) or Excel .xlsx; see docs/idc.md.'))

    def clean_file(self):
        upload = self.cleaned_data['file']
        if not upload.name.lower().endswith(('.csv', '.xlsx')):
            raise forms.ValidationError(_('Upload a .csv or .xlsx file.'))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_('The file is larger than 5 MB.'))
        return upload
