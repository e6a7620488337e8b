"""SLA clocks and their timers (deadline rows).

A ``Clock`` is one declared clock of a ticket's process (``clocks:`` in the YAML) running for one ticket.
Its deadlines are ``Timer`` rows — the target, an optional warning, each escalation level, and the
auto-resume of a suspended ticket — with an indexed ``due_at``. The worker's sweep fires due timers; a
timer row is fired at most once (``fired_at`` set in the same transaction as its effect), which is what
makes firing exactly-once with several workers (issue #3).

Time accounting: a clock runs in *segments* (start → pause, resume → pause, ...). ``elapsed_wall`` and
``elapsed_working`` hold the seconds consumed by finished segments — wall-clock, and working seconds on
the clock's calendar. A timer sits at ``offset_seconds`` from the clock's start in its basis, so its due
instant is ``segment_started_at`` + (offset − elapsed) in that basis; while paused ``due_at`` is NULL.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClockStatus(models.TextChoices):
    RUNNING = 'running', _('Running')
    PAUSED = 'paused', _('Paused')
    STOPPED = 'stopped', _('Stopped')


class Outcome(models.TextChoices):
    PENDING = '', _('In progress')
    MET = 'met', _('Met')
    BREACHED = 'breached', _('Breached')


class Basis(models.TextChoices):
    WALL = 'wall', _('Wall-clock time')
    WORKING = 'working', _('Working time')


class TimerKind(models.TextChoices):
    TARGET = 'target', _('Deadline')
    WARNING = 'warning', _('Warning')
    ESCALATION = 'escalation', _('Escalation')
    AUTO = 'auto', _('Automatic transition')


class Clock(models.Model):
    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='clocks'
    )
    key = models.SlugField(_('key'), max_length=50)
    title = models.CharField(_('title'), max_length=200)
    title_en = models.CharField(_('English title'), max_length=200, blank=True)
    status = models.CharField(_('status'), max_length=10, choices=ClockStatus.choices, default=ClockStatus.RUNNING)
    outcome = models.CharField(_('outcome'), max_length=10, choices=Outcome.choices, blank=True, default='')
    basis = models.CharField(_('basis'), max_length=10, choices=Basis.choices, default=Basis.WALL)
    calendar = models.ForeignKey(
        'calendars.Calendar',
        verbose_name=_('calendar'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    target_seconds = models.PositiveIntegerField(_('target (seconds)'))
    target_label = models.CharField(_('target'), max_length=100, blank=True)
    cycle = models.PositiveIntegerField(_('cycle'), default=1, help_text=_('Recurring clocks count their rounds.'))
    started_at = models.DateTimeField(_('started'))
    segment_started_at = models.DateTimeField(null=True, blank=True)
    elapsed_wall = models.PositiveIntegerField(default=0)
    elapsed_working = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(_('paused since'), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_('paused (seconds)'), default=0)
    deadline = models.DateTimeField(_('deadline'), null=True, blank=True)
    breached_at = models.DateTimeField(_('breached at'), null=True, blank=True)
    breaches = models.PositiveIntegerField(_('breaches'), default=0)
    stopped_at = models.DateTimeField(_('stopped'), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_('escalation level'), default=0)

    class Meta:
        verbose_name = _('SLA clock')
        verbose_name_plural = _('SLA clocks')
        constraints = [models.UniqueConstraint(fields=['ticket', 'key'], name='sla_clock_one_per_ticket_key')]
        indexes = [
            # "at risk" / "breached" queue filters: running clocks by deadline, and breached open ones
            models.Index(fields=['deadline'], condition=Q(status='running'), name='sla_clock_running_deadline'),
            models.Index(fields=['ticket'], condition=Q(outcome='breached'), name='sla_clock_breached'),
        ]

    def __str__(self):
        return f'{self.ticket_id}:{self.key}'


class Timer(models.Model):
    """One deadline of a clock (or a state's automatic exit): fired at most once."""

    ticket = models.ForeignKey('tickets.Ticket', on_delete=models.CASCADE, related_name='+')
    clock = models.ForeignKey(Clock, null=True, blank=True, on_delete=models.CASCADE, related_name='timers')
    # clock:kind:level:cycle, or auto:<state>:<event id> — unique per ticket, so a timer exists and fires once
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=TimerKind.choices)
    level = models.PositiveSmallIntegerField(default=0)
    cycle = models.PositiveIntegerField(default=1)
    basis = models.CharField(max_length=10, choices=Basis.choices, default=Basis.WALL)
    offset_seconds = models.PositiveIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    fired_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    transition = models.SlugField(max_length=50, blank=True)  # AUTO timers: the system transition to take
    lag_ms = models.IntegerField(null=True, blank=True, help_text='firing delay after due_at, for the benchmark')
    notify_pending = models.BooleanField(default=False)  # fired; its notifications are still to be written

    class Meta:
        constraints = [models.UniqueConstraint(fields=['ticket', 'key'], name='sla_timer_unique_key')]
        indexes = [
            # the sweep's only query: pending timers by due time — its cost follows the number due, not open
            models.Index(
                fields=['due_at'],
                condition=Q(fired_at__isnull=True, cancelled=False, due_at__isnull=False),
                name='sla_timer_pending_due',
            ),
            models.Index(fields=['fired_at'], condition=Q(notify_pending=True), name='sla_timer_notify_pending'),
        ]

    def __str__(self):
        return self.key


class ClockLogKind(models.TextChoices):
    STARTED = 'started', _('Started')
    PAUSED = 'paused', _('Paused')
    RESUMED = 'resumed', _('Resumed')
    RESET = 'reset', _('New round')
    WARNED = 'warned', _('Warning sent')
    BREACHED = 'breached', _('Deadline passed')
    ESCALATED = 'escalated', _('Escalated')
    RECOMPUTED = 'recomputed', _('Deadline recomputed')
    STOPPED = 'stopped', _('Stopped')


class ClockLog(models.Model):
    """The clock's own history: what the breach explanation is built from."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name='log')
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=ClockLogKind.choices)
    cycle = models.PositiveIntegerField(default=1)
    deadline = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ['at', 'pk']

    def __str__(self):
        return f'{self.clock_id}:{self.kind}@{self.at:%Y-%m-%d %H:%M:%S}'
