"""The notice form; it only parses — notices.actions validates and writes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import NoticeAudience, NoticeKind

TEXT = {'class': 'form-control'}
SELECT = {'class': 'form-select'}


class NoticeForm(forms.Form):
    """SD-01: a service information notice."""

    title = forms.CharField(label=_('Title'), max_length=200, widget=forms.TextInput(TEXT))
    kind = forms.ChoiceField(label=_('Kind'), choices=NoticeKind.choices, widget=forms.Select(SELECT))
    affected_systems = forms.CharField(
        label=_('Affected systems'), max_length=300, required=False, widget=forms.TextInput(TEXT)
    )
    body = forms.CharField(
        label=_('Text'), required=False, max_length=10000, widget=forms.Textarea({**TEXT, 'rows': 5})
    )
    audience = forms.ChoiceField(label=_('Audience'), choices=NoticeAudience.choices, widget=forms.Select(SELECT))
    customers = forms.ModelMultipleChoiceField(
        label=_('Customers'),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(SELECT),
        help_text=_('Only for the audience "Selected customers".'),
    )
    starts_at = forms.DateTimeField(
        label=_('Shown from'), widget=forms.DateTimeInput({**TEXT, 'type': 'datetime-local'})
    )
    ends_at = forms.DateTimeField(
        label=_('Shown until'), widget=forms.DateTimeInput({**TEXT, 'type': 'datetime-local'})
    )

    def __init__(self, *args, **kwargs):
        from gongdan.customers.models import Customer

        super().__init__(*args, **kwargs)
        self.fields['customers'].queryset = Customer.objects.order_by('name')
