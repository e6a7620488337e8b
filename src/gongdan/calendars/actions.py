"""Writes of the calendars app (house style: only actions write).

Every action that changes working time — the weekly pattern, an override, the time zone, whether national data
applies, the national data itself — bumps ``Calendar.version`` (the Schedule cache key) in its transaction and
sends ``signals.calendar_changed`` after commit, with the changed calendar ids or ``None`` for national data.
The SLA app listens and recomputes the open deadlines on those calendars (issue #3).

Calendars are reference data, not tickets: there is no timeline row; each change is logged with its actor.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.errors import Conflict, InvalidInput, invalid_from

from . import builtin, importfile
from . import periods as period_text
from .choices import OverrideKind
from .models import Calendar, CalendarOverride, NationalDataYear, WorkingPeriod
from .signals import calendar_changed

if TYPE_CHECKING:
    from gongdan.accounts.models import User

log = logging.getLogger('gongdan.calendars')

CALENDAR_FIELDS = ('name', 'name_en', 'time_zone', 'follows_national', 'is_active')
# Changing these changes the working time of the calendar (the others are labels).
TIME_FIELDS = ('time_zone', 'follows_national')


# --- helpers ---------------------------------------------------------------------------------------------------
def _who(actor: User | None) -> str:
    return actor.get_username() if actor is not None else 'system'


def _changed(calendar_ids: list[int] | None) -> None:
    """Bump the version of the changed calendars (all that follow national data when None) and announce it after
    commit. Must run inside the action's transaction."""
    now = timezone.now()
    if calendar_ids is None:
        Calendar.objects.filter(follows_national=True).update(version=F('version') + 1, updated_at=now)
    else:
        Calendar.objects.filter(pk__in=calendar_ids).update(version=F('version') + 1, updated_at=now)
    ids = None if calendar_ids is None else list(calendar_ids)
    transaction.on_commit(lambda: calendar_changed.send(sender=Calendar, calendar_ids=ids))


def _lock(calendar: Calendar) -> Calendar:
    return Calendar.objects.select_for_update().get(pk=calendar.pk)


def _refresh(calendar: Calendar) -> Calendar:
    calendar.refresh_from_db(fields=['version', 'updated_at'])
    return calendar


def _period_minutes(periods: Iterable[Sequence]) -> list[tuple[int, int, int]]:
    """(weekday, start, end) with times as "HH:MM" text or minutes → checked (weekday, start min, end min)."""
    by_day: dict[int, list[tuple[str, str]]] = {}
    for weekday, start, end in periods:
        if not (isinstance(weekday, int) and 0 <= weekday <= 6):
            raise InvalidInput(_('A weekday is 0 (Monday) to 6 (Sunday).'), fields={'weekday': [str(weekday)]})
        as_text = ['{:02d}:{:02d}'.format(*divmod(t, 60)) if isinstance(t, int) else str(t) for t in (start, end)]
        by_day.setdefault(weekday, []).append((as_text[0], as_text[1]))
    result = []
    for weekday, pairs in sorted(by_day.items()):
        try:
            checked = period_text.normalise(pairs)
        except ValueError as exc:
            raise InvalidInput(str(exc), fields={'periods': [str(exc)]}) from None
        for start, end in checked:
            if start % 60 or end % 60:
                message = _('Working periods of the weekly pattern are whole minutes.')
                raise InvalidInput(message, fields={'periods': [message]})
            result.append((weekday, start // 60, end // 60))
    return result


def _usual_hours(calendar: Calendar) -> bool:
    return calendar.periods.filter(weekday__lte=4).exists()


# --- calendars -------------------------------------------------------------------------------------------------
@transaction.atomic
def do_create_calendar(
    *,
    actor: User | None,
    key: str,
    name: str,
    name_en: str = '',
    time_zone: str = 'Asia/Shanghai',
    follows_national: bool = True,
    is_active: bool = True,
    periods: Iterable[Sequence] = (),
) -> Calendar:
    """Create a calendar with its weekly pattern ``periods`` ((weekday, "09:00", "12:00") or minutes).

    SD-01 (5×8 onsite, 7×24 phone): a calendar per service window; attach it to a process, customer or team.
    """
    calendar = Calendar(
        key=key, name=name, name_en=name_en, time_zone=time_zone, follows_national=follows_national, is_active=is_active
    )
    try:
        calendar.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc) from None
    checked = _period_minutes(periods)
    calendar.save()
    WorkingPeriod.objects.bulk_create(
        [WorkingPeriod(calendar=calendar, weekday=d, start_minute=s, end_minute=e) for d, s, e in checked]
    )
    log.info('calendar %s created by %s', calendar.key, _who(actor))
    return calendar


@transaction.atomic
def do_update_calendar(calendar: Calendar, *, actor: User | None, **changes) -> Calendar:
    """Change a calendar's ``name``, ``name_en``, ``time_zone``, ``follows_national`` or ``is_active`` (locks the
    row). A change of time zone or of ``follows_national`` changes its working time: version bumped, signal sent."""
    unknown = set(changes) - set(CALENDAR_FIELDS)
    if unknown:
        raise InvalidInput(_('Unknown calendar field(s): {fields}.').format(fields=', '.join(sorted(unknown))))
    locked = _lock(calendar)
    changed = [f for f, value in changes.items() if getattr(locked, f) != value]
    if not changed:
        return locked
    for f in changed:
        setattr(locked, f, changes[f])
    try:
        locked.full_clean()
    except ValidationError as exc:
        raise invalid_from(exc) from None
    locked.save(update_fields=[*changed, 'updated_at'])
    if set(changed) & set(TIME_FIELDS):
        _changed([locked.pk])
    log.info('calendar %s changed (%s) by %s', locked.key, ', '.join(changed), _who(actor))
    return _refresh(locked)


@transaction.atomic
def do_delete_calendar(calendar: Calendar, *, actor: User | None) -> None:
    """Delete a calendar nothing runs on any more (its periods and overrides go with it). A calendar still used
    by a clock is refused (Conflict); customers and teams on it fall back to the next calendar in line."""
    locked = _lock(calendar)
    try:
        locked.delete()
    except ProtectedError:
        raise Conflict(
            _('Calendar "{name}" is still used by SLA clocks; deactivate it instead.').format(name=locked.name)
        ) from None
    log.info('calendar %s deleted by %s', locked.key, _who(actor))


@transaction.atomic
def do_set_working_periods(calendar: Calendar, periods: Iterable[Sequence], *, actor: User | None) -> Calendar:
    """Replace the weekly pattern: ``periods`` are (weekday 0=Monday, start, end) with times as "HH:MM" (end may
    be "24:00") or minutes since midnight. Locks the calendar; refuses overlaps; bumps the version when the
    pattern really changes (SD-01 5×8 / 7×24)."""
    locked = _lock(calendar)
    checked = _period_minutes(periods)
    current = sorted(locked.periods.values_list('weekday', 'start_minute', 'end_minute'))
    if current == sorted(checked):
        return locked
    locked.periods.all().delete()
    WorkingPeriod.objects.bulk_create(
        [WorkingPeriod(calendar=locked, weekday=d, start_minute=s, end_minute=e) for d, s, e in checked]
    )
    _changed([locked.pk])
    log.info('calendar %s: weekly pattern set by %s (%d periods)', locked.key, _who(actor), len(checked))
    return _refresh(locked)


# --- overrides -------------------------------------------------------------------------------------------------
def _check_override(calendar: Calendar | None, kind: str, periods) -> list[list[str]]:
    if kind not in OverrideKind.values:
        message = _('kind "{kind}" is not one of {kinds}.').format(kind=kind, kinds=', '.join(OverrideKind.values))
        raise InvalidInput(message, fields={'kind': [message]})
    try:
        stored = (
            period_text.parse_text(periods)
            if isinstance(periods, str)
            else period_text.to_json(period_text.normalise(periods or []))
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), fields={'periods': [str(exc)]}) from None
    if kind == OverrideKind.HOLIDAY and stored:
        message = _('A holiday has no working periods.')
        raise InvalidInput(message, fields={'periods': [message]})
    if kind != OverrideKind.HOLIDAY and not stored and calendar is not None and not _usual_hours(calendar):
        message = _('This calendar has no weekday hours to use: give the periods of the day.')
        raise InvalidInput(message, fields={'periods': [message]})
    return stored


@transaction.atomic
def do_add_override(
    *,
    actor: User | None,
    date: dt.date,
    kind: str,
    calendar: Calendar | None = None,
    periods: str | Iterable[Sequence[str]] = (),
    name: str = '',
    name_en: str = '',
    source: str = '',
) -> CalendarOverride:
    """Set the override of ``date`` on ``calendar`` (None: national data), replacing the one that was there.

    ``periods`` for the workday/hours kinds: "09:00-12:00 13:00-18:00" or pairs; empty = the calendar's usual
    weekday hours. Bumps the calendar's version (national: every calendar that follows national data).
    """
    stored = _check_override(calendar, kind, periods)
    if calendar is not None:
        calendar = _lock(calendar)
    values = {'kind': kind, 'periods': stored, 'name': name, 'name_en': name_en, 'source': source or 'manual'}
    row = CalendarOverride.objects.select_for_update().filter(calendar=calendar, date=date).first()
    if row is not None and all(getattr(row, f) == v for f, v in values.items()):
        return row
    if row is None:
        row = CalendarOverride(calendar=calendar, date=date, **values)
    else:
        for f, value in values.items():
            setattr(row, f, value)
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise invalid_from(exc) from None
    row.save()
    _changed([calendar.pk] if calendar is not None else None)
    log.info(
        'calendar override %s %s on %s set by %s', date, kind, calendar.key if calendar else 'national', _who(actor)
    )
    return row


@transaction.atomic
def do_update_override(override: CalendarOverride, *, actor: User | None, **changes) -> CalendarOverride:
    """Edit an override (the admin's change form): its ``calendar``, ``date``, ``kind``, ``periods``, names or
    source. Moving it to another date or calendar replaces whatever override was there. Bumps the versions of
    the calendars before and after (national: all that follow national data)."""
    allowed = {'calendar', 'date', 'kind', 'periods', 'name', 'name_en', 'source'}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(_('Unknown override field(s): {fields}.').format(fields=', '.join(sorted(unknown))))
    row = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    before = row.calendar_id
    calendar = changes.get('calendar', row.calendar)
    kind = changes.get('kind', row.kind)
    stored = _check_override(calendar, kind, changes.get('periods', row.periods))
    for f, value in changes.items():
        setattr(row, f, value)
    row.periods = stored
    if ('calendar' in changes or 'date' in changes) and (
        clash := CalendarOverride.objects.filter(calendar=calendar, date=row.date).exclude(pk=row.pk).first()
    ):
        clash.delete()
    try:
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise invalid_from(exc) from None
    row.save()
    ids = {before, row.calendar_id}
    _changed(None if None in ids else sorted(ids))
    log.info('calendar override %s changed by %s', row.pk, _who(actor))
    return row


@transaction.atomic
def do_remove_override(override: CalendarOverride, *, actor: User | None) -> None:
    """Delete an override: the date falls back to national data (if followed) or the weekly pattern."""
    row = CalendarOverride.objects.select_for_update().filter(pk=override.pk).first()
    if row is None:
        return
    calendar_id = row.calendar_id
    row.delete()
    _changed([calendar_id] if calendar_id is not None else None)
    log.info('calendar override %s %s removed by %s', row.date, row.kind, _who(actor))


# --- import ----------------------------------------------------------------------------------------------------
class CalendarImportError(InvalidInput):
    """The file has problems; ``errors`` lists (line number, reason). Nothing was written."""

    def __init__(self, errors: list[tuple[int, str]], filename: str):
        self.errors = errors
        self.filename = filename
        lines = [f'{filename}:{line}: {reason}' if line else f'{filename}: {reason}' for line, reason in errors]
        super().__init__(
            _('{count} problem(s) in {file}; nothing was imported.').format(count=len(errors), file=filename),
            fields={'file': lines},
        )


@dataclass
class ImportReport:
    filename: str
    calendar: str  # key, or "national"
    dry_run: bool
    created: list[dt.date] = field(default_factory=list)
    updated: list[dt.date] = field(default_factory=list)
    unchanged: list[dt.date] = field(default_factory=list)
    years_added: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return _('{file} → {calendar}: {created} new, {updated} changed, {unchanged} unchanged{years}{dry}.').format(
            file=self.filename,
            calendar=self.calendar,
            created=len(self.created),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
            years=_('; national data now known for {years}').format(years=', '.join(map(str, self.years_added)))
            if self.years_added
            else '',
            dry=_(' (dry run: nothing written)') if self.dry_run else '',
        )


@transaction.atomic
def do_import_calendar_file(
    path_or_stream: str | Path | IO,
    *,
    actor: User | None,
    calendar: Calendar | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import dated overrides from a CSV or YAML file (importfile.py) into ``calendar`` (None: national data).

    Validates every line first and raises ``CalendarImportError`` (each bad line with its number and reason)
    without writing anything. Idempotent: a date already holding the same override is left alone; another
    override of that date is replaced; dates not in the file are not touched. A national file is a year's full
    notice (the State Council's 放假安排): every year it mentions is recorded as covered, which silences the
    coverage warning for that year. ``dry_run`` reports what would change and writes nothing.
    """
    text, filename = importfile.read_source(path_or_stream)
    parsed = importfile.parse(text, filename)
    errors = list(parsed.errors)
    if calendar is not None:
        calendar = _lock(calendar)
        if not _usual_hours(calendar):
            errors += [
                (
                    row.line,
                    _('{date}: this calendar has no weekday hours to use: give the periods.').format(date=row.date),
                )
                for row in parsed.rows
                if row.kind != OverrideKind.HOLIDAY and not row.periods
            ]
    if errors:
        raise CalendarImportError(sorted(errors), filename)
    source = f'import {filename}'[:100]
    report = ImportReport(filename=filename, calendar=calendar.key if calendar else 'national', dry_run=dry_run)
    existing = {
        row.date: row
        for row in CalendarOverride.objects.select_for_update().filter(
            calendar=calendar, date__in=[r.date for r in parsed.rows]
        )
    }
    for item in parsed.rows:
        values = {'kind': item.kind, 'periods': item.periods, 'name': item.name, 'name_en': item.name_en}
        row = existing.get(item.date)
        if row is None:
            report.created.append(item.date)
            if not dry_run:
                CalendarOverride.objects.create(calendar=calendar, date=item.date, source=source, **values)
        elif all(getattr(row, f) == v for f, v in values.items()):
            report.unchanged.append(item.date)
        else:
            report.updated.append(item.date)
            if not dry_run:
                for f, value in {**values, 'source': source}.items():
                    setattr(row, f, value)
                row.save()
    if calendar is None:
        known = set(NationalDataYear.objects.values_list('year', flat=True))
        report.years_added = sorted({r.date.year for r in parsed.rows} - known)
        if not dry_run:
            NationalDataYear.objects.bulk_create([NationalDataYear(year=y, source=source) for y in report.years_added])
    if not dry_run and (report.created or report.updated or report.years_added):
        _changed([calendar.pk] if calendar is not None else None)
    log.info('calendar import by %s: %s', _who(actor), report.summary())
    return report


# --- national data and the built-in calendars --------------------------------------------------------------------
@dataclass
class SeedReport:
    source: str
    counts: dict[str, int]

    def summary(self) -> str:
        c = self.counts
        return _(
            'National data from {source}: {created} new, {updated} changed, {removed} removed, {unchanged} '
            'unchanged, {kept} kept (entered or imported by an administrator), {years} new year(s) covered.'
        ).format(source=self.source, years=c['years_added'], **{k: v for k, v in c.items() if k != 'years_added'})

    @property
    def changed(self) -> bool:
        return bool(
            self.counts['created'] or self.counts['updated'] or self.counts['removed'] or self.counts['years_added']
        )


@transaction.atomic
def do_seed_national_calendar(*, actor: User | None = None) -> SeedReport:
    """(Re)load the national statutory holidays and 调休 make-up workdays from the installed chinese-calendar
    package (2004–2026 for 1.11.0), idempotently; see ``builtin.seed_national_rows``. Locks the calendars that
    follow national data; bumps their versions and signals ``calendar_ids=None`` when anything changed."""
    list(Calendar.objects.select_for_update().filter(follows_national=True).values_list('pk', flat=True))
    report = SeedReport(
        source=builtin.package_source(), counts=builtin.seed_national_rows(CalendarOverride, NationalDataYear)
    )
    if report.changed:
        _changed(None)
    log.info('national calendar seeded by %s: %s', _who(actor), report.counts)
    return report


@transaction.atomic
def do_ensure_builtin_calendars(*, actor: User | None = None) -> list[str]:
    """Create ``cn-workday`` and ``24x7`` if missing and seed the national data (the data migration does the
    same; tests that flush tables call this). Returns the keys of the calendars created."""
    created = builtin.ensure_calendars(Calendar, WorkingPeriod)
    do_seed_national_calendar(actor=actor)
    if created:
        log.info('built-in calendars created: %s', ', '.join(created))
    return created
