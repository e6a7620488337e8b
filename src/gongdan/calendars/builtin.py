"""The calendars every installation starts with, and the national data read from the chinese-calendar package.

Pure data and functions without models, so the data migration (historical models) and the actions (current
models) seed exactly the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEEKDAYS = range(5)
ALL_DAYS = range(7)

# key, 中文名, English name, follows national data, [(weekday, start minute, end minute)]
BUILTIN_CALENDARS: list[tuple[str, str, str, bool, list[tuple[int, int, int]]]] = [
    (
        'cn-workday',
        '中国工作日（9:00–18:00）',
        'China working days (9:00–18:00)',
        True,
        [(day, start, end) for day in WEEKDAYS for start, end in ((9 * 60, 12 * 60), (13 * 60, 18 * 60))],
    ),
    ('24x7', '7×24 小时', '24×7', False, [(day, 0, 1440) for day in ALL_DAYS]),
]


@dataclass(frozen=True)
class NationalDay:
    date: dt.date
    kind: str  # 'holiday' or 'workday' (OverrideKind values)
    name: str
    name_en: str


def package_source() -> str:
    """ "chinese-calendar 1.11.0": the source written on every seeded row."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f'chinese-calendar {version("chinese-calendar")}'
    except PackageNotFoundError:  # pragma: no cover - installed as a dependency
        return 'chinese-calendar'


def national_days() -> tuple[list[NationalDay], list[int]]:
    """The statutory holidays and 调休 make-up workdays known to chinese-calendar, and the years they cover.

    A make-up workday is a weekend date in ``chinese_calendar.workdays``. Every date in
    ``chinese_calendar.holidays`` becomes a holiday — the weekday ones are what takes working days away from
    a Monday–Friday calendar; the weekend ones inside a holiday (e.g. Saturday 3 October) only add the name
    for Monday–Friday calendars, but are rest days for a calendar that also works on Saturdays.
    The covered years run from the first to the last year in the data (2004–2026 for 1.11.0).
    """
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {h.value: h.chinese for h in Holiday}
    days = [
        NationalDay(d, 'holiday', _chinese_name(chinese.get(n, n)), n) for d, n in chinese_calendar.holidays.items()
    ]
    days += [
        NationalDay(d, 'workday', _chinese_name(chinese.get(n, n)) + '调休', f'{n} (make-up workday)')
        for d, n in chinese_calendar.workdays.items()
        if d.weekday() >= 5
    ]
    days.sort(key=lambda day: day.date)
    years = sorted({day.date.year for day in days})
    return days, list(range(years[0], years[-1] + 1)) if years else []


def _chinese_name(name: str) -> str:
    # chinese-calendar says 清明/端午/中秋; the notices and calendars say 清明节/端午节/中秋节.
    return name if name.endswith(('节', '旦')) or len(name) > 4 else name + '节'


# --- writers shared by the data migration and the actions (model classes passed in) ---------------------------
def is_package_source(source: str) -> bool:
    return source.startswith('chinese-calendar')


def seed_national_rows(override_model, year_model) -> dict[str, int]:
    """Write the national rows of chinese-calendar idempotently; returns counts by outcome.

    Only rows that came from the package are updated or removed (a newer package may correct a date); a row an
    administrator imported or entered for the same date is kept ("kept"): their correction wins. Called by the
    data migration and ``actions.do_seed_national_calendar`` only (they own the transaction and the locking).
    """
    days, years = national_days()
    source = package_source()
    counts = {'created': 0, 'updated': 0, 'unchanged': 0, 'kept': 0, 'removed': 0, 'years_added': 0}
    existing = {row.date: row for row in override_model.objects.filter(calendar__isnull=True)}
    known = set()
    for day in days:
        known.add(day.date)
        row = existing.get(day.date)
        values = {'kind': day.kind, 'name': day.name, 'name_en': day.name_en, 'periods': [], 'source': source}
        if row is None:
            override_model.objects.create(calendar=None, date=day.date, **values)
            counts['created'] += 1
        elif not is_package_source(row.source):
            counts['kept'] += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            row.save(update_fields=[*values, 'updated_at'])
            counts['updated'] += 1
        else:
            counts['unchanged'] += 1
    stale = [
        row.pk
        for date, row in existing.items()
        if date not in known and date.year in years and is_package_source(row.source)
    ]
    if stale:
        counts['removed'] = override_model.objects.filter(pk__in=stale).delete()[0]
    for year in years:
        _row, created = year_model.objects.get_or_create(year=year, defaults={'source': source})
        counts['years_added'] += int(created)
    return counts


def ensure_calendars(calendar_model, period_model) -> list[str]:
    """Create the built-in calendars that do not exist yet (an existing one is never changed); their keys."""
    created = []
    for key, name, name_en, follows, periods in BUILTIN_CALENDARS:
        calendar, was_created = calendar_model.objects.get_or_create(
            key=key,
            defaults={'name': name, 'name_en': name_en, 'follows_national': follows, 'time_zone': 'Asia/Shanghai'},
        )
        if was_created:
            period_model.objects.bulk_create(
                [period_model(calendar=calendar, weekday=d, start_minute=s, end_minute=e) for d, s, e in periods]
            )
            created.append(key)
    return created
