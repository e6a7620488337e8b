"""Forms of the emergencies pages; they only parse — the actions validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ContactSide

TEXT = {'class': 'form-control'}


class PagingContactForm(forms.Form):
    """An entry of the 24-hour contact list (CSC-05)."""

    name = forms.CharField(label=_('Name'), max_length=100, widget=forms.TextInput(TEXT))
    side = forms.ChoiceField(
        label=_('Side'), choices=ContactSide.choices, widget=forms.Select({'class': 'form-select'})
    )
    organisation = forms.CharField(
        label=_('Organisation or product line'), max_length=200, required=False, widget=forms.TextInput(TEXT)
    )
    duty = forms.CharField(label=_('Role on the list'), max_length=200, required=False, widget=forms.TextInput(TEXT))
    phone = forms.CharField(label=_('Phone (24 hours)'), max_length=40, widget=forms.TextInput(TEXT))
    email = forms.EmailField(label=_('E-mail'), required=False, widget=forms.EmailInput(TEXT))
    on_duty = forms.CharField(
        label=_('On-duty hours'),
        max_length=100,
        required=False,
        widget=forms.TextInput(TEXT),
        help_text=_('For example 7×24, or 08:30-17:30 on workdays.'),
    )
    user = forms.ModelChoiceField(
        label=_('Account'), queryset=None, required=False, widget=forms.Select({'class': 'form-select'})
    )
    team = forms.ModelChoiceField(
        label=_('Team (group robots)'), queryset=None, required=False, widget=forms.Select({'class': 'form-select'})
    )
    position = forms.IntegerField(
        label=_('Order'), min_value=0, initial=0, required=False, widget=forms.NumberInput(TEXT)
    )
    is_active = forms.BooleanField(
        label=_('Active (paged)'),
        required=False,
        initial=True,
        widget=forms.CheckboxInput({'class': 'form-check-input'}),
    )

    def __init__(self, *args, instance=None, **kwargs):
        from gongdan.accounts.models import Team, User

        if instance is not None:
            kwargs.setdefault(
                'initial',
                {
                    'name': instance.name,
                    'side': instance.side,
                    'organisation': instance.organisation,
                    'duty': instance.duty,
                    'phone': instance.phone,
                    'email': instance.email,
                    'on_duty': instance.on_duty,
                    'user': instance.user_id,
                    'team': instance.team_id,
                    'position': instance.position,
                    'is_active': instance.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields['user'].queryset = User.objects.filter(customer__isnull=True, is_active=True).order_by('username')
        self.fields['team'].queryset = Team.objects.filter(is_active=True).order_by('key')
