"""Parsing and checking working periods written as text: "09:00", "24:00", "09:00-12:00 13:00-18:00".

Shared by the actions, the import file reader, the admin forms and the CLI, so every entry point accepts
and refuses exactly the same things. Errors are ``ValueError`` with a translated sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

DAY_SECONDS = 86400
_TIME = re.compile(r'^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$')


def parse_time(text: str, *, allow_end_of_day: bool = False) -> int:
    """Seconds since midnight of "HH:MM" or "HH:MM:SS"; "24:00" only where the end of a day is meant."""
    match = _TIME.match(str(text))
    if not match:
        raise ValueError(_('"{value}" is not a time of day (HH:MM).').format(value=text))
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    total = hours * 3600 + minutes * 60 + seconds
    if minutes > 59 or seconds > 59 or total > DAY_SECONDS or (total == DAY_SECONDS and not allow_end_of_day):
        raise ValueError(_('"{value}" is not a time of day (00:00–23:59, or 24:00 as an end).').format(value=text))
    return total


def format_seconds(seconds: int) -> str:
    """'09:00' (or '09:00:30' when not on a whole minute); 86400 is '24:00'."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f'{hours:02d}:{minutes:02d}' + (f':{secs:02d}' if secs else '')


def normalise(pairs: Iterable[Sequence[str]]) -> list[tuple[int, int]]:
    """``[("09:00", "12:00"), ...]`` → sorted ``[(32400, 43200), ...]``; refuses empty, inverted or overlapping
    periods. Adjacent periods (12:00–12:00) are allowed and kept apart (the arithmetic merges them)."""
    result = []
    for pair in pairs:
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(_('A working period is a pair of times, not {value!r}.').format(value=pair))
        start = parse_time(pair[0])
        end = parse_time(pair[1], allow_end_of_day=True)
        if end <= start:
            raise ValueError(
                _('The period {start}–{end} ends before it starts.').format(start=pair[0].strip(), end=pair[1].strip())
            )
        result.append((start, end))
    result.sort()
    for (s1, e1), (s2, e2) in itertools.pairwise(result):
        if s2 < e1:
            raise ValueError(
                _('The periods {a} and {b} overlap.').format(
                    a=f'{format_seconds(s1)}–{format_seconds(e1)}', b=f'{format_seconds(s2)}–{format_seconds(e2)}'
                )
            )
    return result


def parse_text(text: str) -> list[list[str]]:
    """ "09:00-12:00 13:00-18:00" (spaces, commas or semicolons between periods; "-", "–" or "~" inside)
    → ``[["09:00", "12:00"], ["13:00", "18:00"]]`` checked by ``normalise``; "" → []."""
    pieces = [p for p in re.split(r'[\s,;，；]+', text or '') if p]
    pairs = []
    for piece in pieces:
        parts = re.split(r'[-–~]', piece)
        if len(parts) != 2:
            raise ValueError(_('"{value}" is not a period (HH:MM-HH:MM).').format(value=piece))
        pairs.append(parts)
    return to_json(normalise(pairs))


def to_json(periods: Iterable[tuple[int, int]]) -> list[list[str]]:
    """The stored form of checked periods: ``[["09:00", "12:00"], ...]``."""
    return [[format_seconds(start), format_seconds(end)] for start, end in periods]


def to_text(pairs: Iterable[Sequence[str]]) -> str:
    """``[["09:00", "12:00"], ["13:00", "18:00"]]`` → "09:00-12:00 13:00-18:00"."""
    return ' '.join(f'{start}-{end}' for start, end in pairs)
