"""How the ``emergency`` rows of a ticket's timeline read (tickets/templatetags/ticket_tags.py asks here)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import EmergencyCriterion, EmergencyStatus

LABELS = {
    'emergency': lambda: _('Emergency'),
    'emergency_criteria': lambda: _('Emergency criteria'),
    'red_flag': lambda: _('Red Flag ticket'),
    'source_ticket': lambda: _('Source ticket'),
    'paged': lambda: _('Paged (24-hour contact list)'),
}


def _show(key: str, value) -> str:
    if value in (None, '', []):
        return '—'
    if key == 'emergency':
        return str(EmergencyStatus(value).label) if value in EmergencyStatus.values else str(value)
    if key == 'emergency_criteria':
        labels = dict(EmergencyCriterion.choices)
        return '；'.join(str(labels.get(v, v)) for v in value)
    if isinstance(value, list):
        return '、'.join(str(v) for v in value)
    return str(value)


def describe_change(key: str, before, after):
    """One "label: before → after" line of an emergency row (staff only), or None for an unknown key."""
    from gongdan.tickets.templatetags.ticket_tags import Change

    if key not in LABELS:
        return None
    return Change(LABELS[key](), None if before in (None, '', []) else _show(key, before), _show(key, after))
