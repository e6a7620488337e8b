"""Forms of the notification pages: the preferences grid (event type × channel) and the outbox filter."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import USER_CHANNELS, Channel, DeliveryStatus
from .events import EVENT_TYPES


def field_name(event_type: str, channel: str) -> str:
    return f'{event_type}:{channel}'


class PreferencesForm(forms.Form):
    """One checkbox per (event type, channel) a person may choose, and the language of their notifications."""

    language = forms.ChoiceField(
        label=_('Language of notifications'),
        choices=settings.LANGUAGES,
        widget=forms.Select({'class': 'form-select'}),
    )

    def __init__(self, *args, channels: dict[str, list[str]] | None = None, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for key, kind in EVENT_TYPES.items():
            if (kind.staff_only and not staff) or kind.urgent:
                continue  # customers never get these, so they choose nothing for them; urgent ones go everywhere
            row = {'key': key, 'label': kind.label, 'fields': []}
            for channel in USER_CHANNELS:
                name = field_name(key, channel)
                self.fields[name] = forms.BooleanField(
                    label=Channel(channel).label,
                    required=False,
                    initial=channel in (channels or {}).get(key, kind.default_channels),
                    widget=forms.CheckboxInput({'class': 'form-check-input'}),
                )
                row['fields'].append(name)
            self.rows.append(row)

    def bound_rows(self):
        return [{**row, 'fields': [self[name] for name in row['fields']]} for row in self.rows]

    def channel_choices(self) -> dict[str, list[str]]:
        """{event type: [chosen channels]} from the cleaned data."""
        return {
            row['key']: [c for c in USER_CHANNELS if self.cleaned_data.get(field_name(row['key'], c))]
            for row in self.rows
        }


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_('Status'),
        required=False,
        choices=[('', _('All statuses')), *DeliveryStatus.choices],
        widget=forms.Select({'class': 'form-select'}),
    )
    channel = forms.ChoiceField(
        label=_('Delivery channel'),
        required=False,
        choices=[('', _('All channels')), *[c for c in Channel.choices if c[0] != Channel.INAPP]],
        widget=forms.Select({'class': 'form-select'}),
    )
    ticket = forms.CharField(
        label=_('Ticket number'), required=False, max_length=32, widget=forms.TextInput({'class': 'form-control'})
    )
