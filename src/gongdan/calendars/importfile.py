"""Reading calendar import files (``gongdan calendar import``): CSV or YAML lists of dated overrides.

CSV: a header ``date,kind,name,periods`` (``name_en`` optional), one override per line, e.g.
``2027-10-09,workday,国庆节调休,09:00-12:00 13:00-18:00``. Lines starting with ``#`` and blank lines are ignored.
YAML: a list of mappings with the same keys; ``periods`` may be the same text or a list of ``[start, end]``.

Everything is validated before anything is written: ``parse`` returns the rows and every problem with its
line number; the action writes only when there is none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml
from django.utils.translation import gettext as _

from . import periods as period_text
from .choices import OverrideKind

COLUMNS = ('date', 'kind', 'name', 'periods')
OPTIONAL_COLUMNS = ('name_en',)
NAME_MAX = 100


@dataclass(frozen=True)
class ImportRow:
    line: int
    date: dt.date
    kind: str
    name: str
    name_en: str
    periods: list[list[str]]  # the stored JSON form; [] = the calendar's usual weekday hours


@dataclass
class Parsed:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason); line 0: the whole file


def read_source(path_or_stream: str | Path | IO) -> tuple[str, str]:
    """(text, file name) of a path or an open file (text or bytes); a UTF-8 BOM (Excel's CSV) is dropped."""
    if isinstance(path_or_stream, str | Path):
        path = Path(path_or_stream)
        return path.read_bytes().decode('utf-8-sig'), path.name
    data = path_or_stream.read()
    if isinstance(data, bytes):
        data = data.decode('utf-8-sig')
    return data.lstrip('\ufeff'), Path(getattr(path_or_stream, 'name', '') or 'stream').name


def detect_format(text: str, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in ('.yaml', '.yml'):
        return 'yaml'
    if suffix == '.csv':
        return 'csv'
    first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith('#')), '')
    return 'yaml' if first.lstrip().startswith('-') else 'csv'


def parse(text: str, filename: str) -> Parsed:
    """All rows and all problems of a file (both formats)."""
    try:
        raw = _yaml_records(text) if detect_format(text, filename) == 'yaml' else _csv_records(text)
    except ValueError as exc:
        return Parsed(errors=[(0, str(exc))])
    parsed = Parsed()
    first_line: dict[dt.date, int] = {}
    for line, record in raw:
        try:
            row = _row(line, record)
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
            continue
        if row.date in first_line:
            parsed.errors.append(
                (line, _('{date} is already given on line {line}.').format(date=row.date, line=first_line[row.date]))
            )
            continue
        first_line[row.date] = line
        parsed.rows.append(row)
    if not raw and not parsed.errors:
        parsed.errors.append((0, _('The file contains no rows.')))
    return parsed


def _csv_records(text: str) -> list[tuple[int, dict]]:
    records: list[tuple[int, dict]] = []
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in COLUMNS if c not in header]
            unknown = [c for c in header if c not in COLUMNS + OPTIONAL_COLUMNS]
            if missing or unknown:
                raise ValueError(
                    _('Line {line}: the header must be "{expected}" (missing: {missing}; unknown: {unknown}).').format(
                        line=number,
                        expected=','.join(COLUMNS),
                        missing=', '.join(missing) or '-',
                        unknown=', '.join(unknown) or '-',
                    )
                )
            continue
        if len(cells) > len(header):
            records.append(
                (
                    number,
                    {
                        '__error__': _('{count} cells, the header has {columns}.').format(
                            count=len(cells), columns=len(header)
                        )
                    },
                )
            )
            continue
        records.append((number, dict(zip(header, [c.strip() for c in cells], strict=False))))
    if header is None and text.strip():
        raise ValueError(_('No header line "{expected}".').format(expected=','.join(COLUMNS)))
    return records


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping (for error messages)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping['__line__'] = node.start_mark.line + 1
        return mapping


def _yaml_records(text: str) -> list[tuple[int, dict]]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        line = f' (line {mark.line + 1})' if mark else ''
        raise ValueError(_('Not valid YAML{where}: {problem}').format(where=line, problem=exc)) from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ValueError(_('A YAML calendar file is a list of {{date, kind, name, periods}} entries.'))
    records = []
    for item in data:
        if not isinstance(item, dict):
            raise ValueError(_('Every entry must be a mapping with date, kind, name and periods.'))
        line = item.pop('__line__')
        unknown = sorted(str(k) for k in item if k not in COLUMNS + OPTIONAL_COLUMNS)
        if unknown:
            item = {'__error__': _('unknown key(s): {keys}.').format(keys=', '.join(unknown))}
        records.append((line, item))
    return records


def _row(line: int, record: dict) -> ImportRow:
    if '__error__' in record:
        raise ValueError(record['__error__'])
    date = _date(record.get('date'))
    kind = str(record.get('kind') or '').strip().lower()
    if kind not in OverrideKind.values:
        raise ValueError(
            _('kind "{kind}" is not one of {kinds}.').format(kind=kind, kinds=', '.join(OverrideKind.values))
        )
    name = str(record.get('name') or '').strip()
    name_en = str(record.get('name_en') or '').strip()
    if len(name) > NAME_MAX or len(name_en) > NAME_MAX:
        raise ValueError(_('the name is longer than {max} characters.').format(max=NAME_MAX))
    periods = _periods(record.get('periods'))
    if kind == OverrideKind.HOLIDAY and periods:
        raise ValueError(_('a holiday has no working periods (use kind "hours" for changed hours).'))
    return ImportRow(line=line, date=date, kind=kind, name=name, name_en=name_en, periods=periods)


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(_('"{value}" is not a date (YYYY-MM-DD).').format(value=value))
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or '').strip())
    except ValueError:
        raise ValueError(_('"{value}" is not a date (YYYY-MM-DD).').format(value=value or '')) from None


def _periods(value) -> list[list[str]]:
    if value is None or value == '':
        return []
    if isinstance(value, str):
        return period_text.parse_text(value)
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return period_text.parse_text(' '.join(value))
        pairs = [[_time_text(t) for t in pair] if isinstance(pair, list) else pair for pair in value]
        return period_text.to_json(period_text.normalise(pairs))
    raise ValueError(_('periods must be text like "09:00-12:00 13:00-18:00".'))


def _time_text(value) -> str:
    # YAML 1.1 reads an unquoted 13:00 as the sexagesimal integer 780 (minutes); 09:00 stays a string.
    if isinstance(value, int) and not isinstance(value, bool):
        return '{:02d}:{:02d}'.format(*divmod(value, 60))
    return str(value)
