"""Working calendars (工作日历): a weekly pattern of working periods, a time zone, and dated overrides.

The national statutory holidays and 调休 make-up workdays are overrides without a calendar
(``CalendarOverride.calendar`` is NULL); they apply to every calendar with ``follows_national``. An override
of a specific calendar beats the national one on the same date. ``NationalDataYear`` records the years for
which the national data is known (chinese-calendar ships 2004–2026; later years arrive by import), so the
arithmetic can say loudly when it has to guess (issue #3).

The arithmetic itself lives in ``businesstime.py`` on a compiled ``Schedule`` (``queries.get_schedule``);
``Calendar.version`` is bumped by every action that changes working time and keys the schedule cache.
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OverrideKind, Weekday

MINUTES_PER_DAY = 1440


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_('Unknown time zone "{name}".').format(name=value)) from exc


class Calendar(models.Model):
    """A named working calendar, e.g. ``cn-workday`` (5×8 with statutory holidays) or ``24x7`` (SD-01).

    Attached to a process (its YAML), a customer (a VIP on 7×24) or a resolver team; a clock runs on one.
    """

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    name_en = models.CharField(_('English name'), max_length=100, blank=True)
    time_zone = models.CharField(
        _('time zone'), max_length=64, default='Asia/Shanghai', validators=[validate_time_zone]
    )
    follows_national = models.BooleanField(
        _('follows national holidays'),
        default=True,
        help_text=_('Apply the national statutory holidays and make-up workdays (调休) to this calendar.'),
    )
    is_active = models.BooleanField(_('active'), default=True)
    # Bumped by every action that changes this calendar's working time (also national data changes when
    # follows_national): the process-local Schedule cache is keyed by (id, version).
    version = models.PositiveIntegerField(_('version'), default=1, editable=False)
    updated_at = models.DateTimeField(_('updated'), auto_now=True)

    class Meta:
        ordering = ['key']
        verbose_name = _('calendar')
        verbose_name_plural = _('calendars')

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse('calendars:calendar_detail', kwargs={'key': self.key})


class WorkingPeriod(models.Model):
    """One working period of a weekday, e.g. Monday 09:00–12:00. A day may have several (a lunch break between).

    Times are minutes since local midnight so that the end of the day, 24:00, is expressible (1440).
    """

    calendar = models.ForeignKey(Calendar, verbose_name=_('calendar'), on_delete=models.CASCADE, related_name='periods')
    weekday = models.PositiveSmallIntegerField(_('weekday'), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(
        _('start (minutes after midnight)'), validators=[MaxValueValidator(MINUTES_PER_DAY - 1)]
    )
    end_minute = models.PositiveSmallIntegerField(
        _('end (minutes after midnight)'), validators=[MaxValueValidator(MINUTES_PER_DAY)]
    )

    class Meta:
        ordering = ['calendar_id', 'weekday', 'start_minute']
        verbose_name = _('working period')
        verbose_name_plural = _('working periods')
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=models.F('end_minute')) & Q(end_minute__lte=MINUTES_PER_DAY),
                name='calendars_period_start_before_end',
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name='calendars_period_weekday_range'),
        ]

    def __str__(self):
        return f'{self.get_weekday_display()} {format_minute(self.start_minute)}–{format_minute(self.end_minute)}'

    def clean(self):
        # A period is a non-empty interval inside one day; overlaps between periods are checked by the action.
        if self.start_minute is not None and self.end_minute is not None and self.start_minute >= self.end_minute:
            raise ValidationError({'end_minute': _('The end must be after the start.')})


class CalendarOverride(models.Model):
    """A dated exception: a holiday, a make-up workday (调休) or changed hours.

    ``calendar`` NULL means national data (statutory holidays), which applies to calendars that follow it.
    ``periods`` is a list of ``["09:00", "12:00"]`` pairs for the workday and hours kinds; empty means the
    calendar's usual weekday hours (its Monday–Friday pattern).
    """

    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_('calendar'),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='overrides',
        help_text=_('Empty: national data, applied to every calendar that follows the national holidays.'),
    )
    date = models.DateField(_('date'))
    kind = models.CharField(_('kind'), max_length=10, choices=OverrideKind.choices)
    periods = models.JSONField(_('working periods'), default=list, blank=True)
    name = models.CharField(_('name'), max_length=100, blank=True, help_text=_('e.g. 国庆节'))
    name_en = models.CharField(_('English name'), max_length=100, blank=True)
    source = models.CharField(
        _('source'), max_length=100, blank=True, help_text=_('Where it came from, e.g. "chinese-calendar 1.11.0".')
    )
    updated_at = models.DateTimeField(_('updated'), auto_now=True)

    class Meta:
        ordering = ['date', 'calendar_id']  # by id: no join, so rows can be locked (FOR UPDATE)
        verbose_name = _('calendar override')
        verbose_name_plural = _('calendar overrides')
        constraints = [
            models.UniqueConstraint(
                fields=['calendar', 'date'], condition=Q(calendar__isnull=False), name='calendars_override_unique_date'
            ),
            models.UniqueConstraint(
                fields=['date'], condition=Q(calendar__isnull=True), name='calendars_national_override_unique_date'
            ),
        ]
        indexes = [models.Index(fields=['date'], name='calendars_override_date')]

    def __str__(self):
        return f'{self.date.isoformat()} {self.get_kind_display()} {self.name}'

    def clean(self):
        # Holidays have no working periods: a holiday with hours is a contradiction ("hours" is the kind for that).
        if self.kind == OverrideKind.HOLIDAY and self.periods:
            raise ValidationError({'periods': _('A holiday has no working periods.')})


class NationalDataYear(models.Model):
    """A year for which the national holiday and make-up workday data is known in full (coverage record).

    Seeded for 2004–2026 from chinese-calendar; a national import adds the years its file covers. A calendar
    that follows national data warns for dates in years without a row here.
    """

    year = models.PositiveSmallIntegerField(_('year'), unique=True)
    source = models.CharField(_('source'), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_('recorded'), auto_now=True)

    class Meta:
        ordering = ['year']
        verbose_name = _('national holiday data year')
        verbose_name_plural = _('national holiday data years')

    def __str__(self):
        return str(self.year)


def format_minute(minute: int) -> str:
    """'09:00' for 540, '24:00' for 1440."""
    return '{:02d}:{:02d}'.format(*divmod(minute, 60))
