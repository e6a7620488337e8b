"""Calendar changes re-arm the open deadlines that depend on them (issue #3: "any change of calendar data
recomputes open deadlines")."""

from __future__ import annotations


def _on_calendar_changed(sender, calendar_ids=None, **kwargs) -> None:
    from .tasks import recompute_deadlines

    recompute_deadlines(list(calendar_ids) if calendar_ids is not None else None)


def connect() -> None:
    from gongdan.calendars.signals import calendar_changed

    calendar_changed.connect(_on_calendar_changed, dispatch_uid='sla-recompute-on-calendar-change')
