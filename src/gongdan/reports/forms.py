from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team
from gongdan.customers.models import Customer

from .models import Format, Frequency


class SubscriptionForm(forms.Form):
    """Subscribe to a report by e-mail: which report, how often, as what, optionally one team or customer."""

    kind = forms.ChoiceField(label=_('report'))
    frequency = forms.ChoiceField(label=_('frequency'), choices=Frequency.choices)
    format = forms.ChoiceField(label=_('format'), choices=Format.choices, initial=Format.XLSX)
    team = forms.ModelChoiceField(
        label=_('team'), queryset=Team.objects.none(), required=False, empty_label=_('All teams')
    )
    customer = forms.ModelChoiceField(
        label=_('customer'), queryset=Customer.objects.none(), required=False, empty_label=_('All customers')
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['kind'].choices = list(kinds)
        self.fields['team'].queryset = Team.objects.filter(is_active=True).order_by('name')
        self.fields['customer'].queryset = Customer.objects.filter(is_active=True).order_by('name')
        for field in self.fields.values():
            field.widget.attrs.setdefault('class', 'form-select')
