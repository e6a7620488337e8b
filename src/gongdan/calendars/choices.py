"""Choices of the calendars app (stored values are slugs / ISO weekday numbers)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OverrideKind(models.TextChoices):
    """What a dated override does to its day."""

    HOLIDAY = 'holiday', _('Holiday')
    WORKDAY = 'workday', _('Make-up workday')
    HOURS = 'hours', _('Changed hours')


# Tabler colours of the day kinds in the month grid (overrides, and the weekly pattern's working/off days);
# ordinary working days stay plain so that the exceptions stand out.
DAY_COLORS = {'holiday': 'red', 'workday': 'orange', 'hours': 'azure', 'working': '', 'off': 'secondary'}


class Weekday(models.IntegerChoices):
    """Python's ``date.weekday()``: 0 is Monday."""

    MONDAY = 0, _('Monday')
    TUESDAY = 1, _('Tuesday')
    WEDNESDAY = 2, _('Wednesday')
    THURSDAY = 3, _('Thursday')
    FRIDAY = 4, _('Friday')
    SATURDAY = 5, _('Saturday')
    SUNDAY = 6, _('Sunday')


DAY_KIND_LABELS = {
    'working': _('Working day'),
    'off': _('Day off'),
    'holiday': _('Holiday'),
    'workday': _('Make-up workday'),
    'hours': _('Changed hours'),
}

# Column heads of the month grid: one character in Chinese (一 … 日), two letters in English.
WEEKDAY_INITIALS = [
    pgettext_lazy('weekday initial', 'Mo'),
    pgettext_lazy('weekday initial', 'Tu'),
    pgettext_lazy('weekday initial', 'We'),
    pgettext_lazy('weekday initial', 'Th'),
    pgettext_lazy('weekday initial', 'Fr'),
    pgettext_lazy('weekday initial', 'Sa'),
    pgettext_lazy('weekday initial', 'Su'),
]
