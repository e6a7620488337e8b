"""Forms of the finance pages: a payment, an invoice, its courier, the billing run. The actions validate again;
their InvalidInput errors are shown next to the field they name (``apply_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongdan.utilities.errors import InvalidInput

from .choices import PaymentMethod
from .queries import local_today, parse_month

MONEY = {'max_digits': 12, 'decimal_places': 2, 'min_value': 0}
DATE = forms.DateInput(attrs={'type': 'date', 'class': 'form-control'})
TEXT = {'class': 'form-control'}


def apply_errors(form: forms.Form, exc: InvalidInput) -> None:
    """Put an action's field errors on the form's fields (the rest on the form)."""
    for name, messages in (exc.fields or {}).items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    if not exc.fields:
        form.add_error(None, exc.detail)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_('Amount (yuan)'), widget=forms.NumberInput(attrs={**TEXT, 'step': '0.01'}), **MONEY
    )
    paid_on = forms.DateField(label=_('Paid on'), widget=DATE, initial=local_today)
    method = forms.ChoiceField(
        label=_('Payment method'), choices=PaymentMethod.choices, widget=forms.Select(attrs={'class': 'form-select'})
    )
    reference = forms.CharField(
        label=_('Reference'),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_('Bank slip or receipt number.'),
    )
    description = forms.CharField(label=_('Note'), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT))


class InvoiceForm(forms.Form):
    number = forms.CharField(label=_('Invoice number'), max_length=50, widget=forms.TextInput(attrs=TEXT))
    amount = forms.DecimalField(
        label=_('Amount (yuan)'), widget=forms.NumberInput(attrs={**TEXT, 'step': '0.01'}), **MONEY
    )
    issued_on = forms.DateField(label=_('Issued on'), widget=DATE, initial=local_today)
    notice = forms.ModelChoiceField(
        label=_('Payment notice'), queryset=None, required=False, widget=forms.Select(attrs={'class': 'form-select'})
    )
    courier_company = forms.CharField(
        label=_('Courier company'), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    tracking_number = forms.CharField(
        label=_('Courier tracking number'), max_length=50, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args, notices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['notice'].queryset = notices


class CourierForm(forms.Form):
    courier_company = forms.CharField(label=_('Courier company'), max_length=50, widget=forms.TextInput(attrs=TEXT))
    tracking_number = forms.CharField(
        label=_('Courier tracking number'), max_length=50, widget=forms.TextInput(attrs=TEXT)
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_('Month'),
        max_length=7,
        widget=forms.TextInput(attrs={'type': 'month', 'class': 'form-control'}),
        help_text=_('YYYY-MM'),
    )

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data['month'])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
