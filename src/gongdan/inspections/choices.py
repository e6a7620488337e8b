"""Choices of inspections (SVC-11): stored values are slugs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectedSystem(models.TextChoices):
    """SVC-11: what the inspector checks."""

    SERVERS = 'servers', _('Servers: backup data and logs')
    PORTAL = 'portal', _('Portal system')
    BILLING = 'billing', _('Billing system')
    NETWORK = 'network', _('Network and other systems')


class Schedule(models.TextChoices):
    DAILY = 'daily', _('Daily')
    WEEKLY = 'weekly', _('Weekly')
    CRON = 'cron', _('Cron expression')


class CheckResult(models.TextChoices):
    PENDING = 'pending', _('Not checked yet')
    NORMAL = 'normal', _('Normal')
    ABNORMAL = 'abnormal', _('Abnormal')


class Severity(models.TextChoices):
    """How grave an abnormal finding is (SVC-11: a major or urgent fault is told at once)."""

    MINOR = 'minor', _('Minor')
    MAJOR = 'major', _('Major')
    URGENT = 'urgent', _('Urgent')


# SVC-11: a major or urgent fault opens a fault ticket at once and is told to the network administrator and
# reported to the general manager.
REPORTED_AT_ONCE = frozenset({Severity.MAJOR, Severity.URGENT})
WEEKDAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
