"""Callbacks (客户回访): the after-closing callback of a ticket and the callback campaigns (SVC-09, SD-01, SD-05)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import CallbackChannel, CallbackSource, CallbackStatus, FollowUp, LowScoreAction, Rating, Stratum

# SD-05: the fault ticket is called back in its "awaiting callback" state; a CRC fault after it is closed.
DEFAULT_TRIGGERS = {'sd_event': ['callback'], 'crc_fault': ['closed']}


def default_triggers() -> dict:
    return {key: list(states) for key, states in DEFAULT_TRIGGERS.items()}


class CallbackSetting(models.Model):
    """The one row of callback settings: which process states open a callback task, and what a low score does.

    ``triggers`` maps a process key to the state keys whose entry opens the after-closing callback (SD-05,
    CSC-04). A score at or below ``low_score_threshold`` (1-5) triggers ``low_score_action``.
    """

    triggers = models.JSONField(_('states that open a callback'), default=default_triggers, blank=True)
    low_score_threshold = models.PositiveSmallIntegerField(
        _('low score at or below'), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    low_score_action = models.CharField(
        _('on a low score'), max_length=10, choices=LowScoreAction.choices, default=LowScoreAction.REOPEN
    )

    class Meta:
        verbose_name = _('callback setting')
        verbose_name_plural = _('callback settings')

    def __str__(self):
        return str(_('Callback setting'))


class CallbackSettingChange(models.Model):
    """The audit trail of the callback setting (SVC-09): who changed which of its fields when, ``{field: [before,
    after]}``. Written by do_save_callback_setting only; never edited."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('changed by'), null=True, on_delete=models.SET_NULL, related_name='+'
    )
    changed_at = models.DateTimeField(_('changed at'))
    changes = models.JSONField(_('changes'), default=dict)

    class Meta:
        ordering = ['-changed_at', '-id']
        verbose_name = _('callback setting change')
        verbose_name_plural = _('callback setting changes')

    def __str__(self):
        return f'{self.changed_by} {self.changed_at}'


class CallbackCampaign(models.Model):
    """The plan of a callback campaign (SVC-09), attached to its ``svc_callback`` ticket (the request the general
    manager approved). The department manager fixes the period, the processes and groups covered, the sampling
    ratio, the strata and the officers; starting the campaign draws the sample with ``seed`` (recorded, so the
    same plan and seed give the same sample).
    """

    ticket = models.OneToOneField(
        'tickets.Ticket', verbose_name=_('request'), on_delete=models.PROTECT, related_name='callback_campaign'
    )
    title = models.CharField(_('title'), max_length=200)
    period_start = models.DateField(_('closed from'))
    period_end = models.DateField(_('closed until'))
    processes = models.JSONField(_('processes covered'), default=list, blank=True)
    teams = models.ManyToManyField(
        'accounts.Team', verbose_name=_('groups covered'), blank=True, related_name='callback_campaigns'
    )
    ratio_percent = models.PositiveSmallIntegerField(
        _('sampling ratio (%)'), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    stratify_by = models.CharField(_('stratified by'), max_length=20, choices=Stratum.choices, default=Stratum.TEAM)
    seed = models.BigIntegerField(_('random seed'))
    channel = models.CharField(
        _('channel'), max_length=10, choices=CallbackChannel.choices, default=CallbackChannel.PHONE
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_('callback officers'), related_name='callback_campaigns'
    )
    low_score_threshold = models.PositiveSmallIntegerField(
        _('low score at or below'), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    low_score_action = models.CharField(
        _('on a low score'), max_length=10, choices=LowScoreAction.choices, default=LowScoreAction.COMPLAINT
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('planned by'), on_delete=models.PROTECT, related_name='+'
    )
    planned_at = models.DateTimeField(_('planned'))
    drawn_at = models.DateTimeField(_('sample drawn'), null=True, blank=True)
    population_count = models.PositiveIntegerField(_('closed tickets in scope'), default=0)
    sample_count = models.PositiveIntegerField(_('sample size'), default=0)

    class Meta:
        ordering = ['-planned_at', '-id']
        verbose_name = _('callback campaign')
        verbose_name_plural = _('callback campaigns')

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse('callbacks:campaign', kwargs={'pk': self.pk})


class Callback(models.Model):
    """One callback of one closed ticket (SD-05): quality, attitude, recovery time, satisfaction 1-5 and the
    customer's comment, or why no callback was possible. ``team``, ``engineer`` and ``customer_level`` are
    copied from the ticket when the task opens, so the satisfaction report groups by what was true then.
    """

    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='callbacks'
    )
    campaign = models.ForeignKey(
        CallbackCampaign,
        verbose_name=_('campaign'),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='callbacks',
    )
    source = models.CharField(_('source'), max_length=12, choices=CallbackSource.choices)
    status = models.CharField(
        _('status'), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('callback by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='callback_tasks',
    )
    stratum = models.CharField(_('stratum'), max_length=100, blank=True)
    team = models.ForeignKey(
        'accounts.Team', verbose_name=_('group'), null=True, blank=True, on_delete=models.SET_NULL, related_name='+'
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('engineer'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    customer_level = models.SlugField(_('customer level'), max_length=50, blank=True)
    ticket_closed_at = models.DateTimeField(_('ticket closed'))
    created_at = models.DateTimeField(_('opened'))
    channel = models.CharField(_('channel'), max_length=10, choices=CallbackChannel.choices, blank=True)
    quality = models.CharField(_('quality of work'), max_length=10, choices=Rating.choices, blank=True)
    attitude = models.CharField(_('attitude'), max_length=10, choices=Rating.choices, blank=True)
    recovery = models.CharField(_('recovery time'), max_length=10, choices=Rating.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _('satisfaction (1-5)'), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("customer's comments"), blank=True)
    failed_reason = models.CharField(_('why no callback was possible'), max_length=300, blank=True)
    done_at = models.DateTimeField(_('called back'), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('recorded by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    follow_up = models.CharField(_('follow-up'), max_length=10, choices=FollowUp.choices, blank=True)
    follow_up_ticket = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('follow-up ticket'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )

    class Meta:
        ordering = ['status', '-ticket_closed_at', '-id']
        verbose_name = _('callback')
        verbose_name_plural = _('callbacks')
        constraints = [
            # SD-05: one open after-closing callback per ticket (a reopened and closed again ticket gets a new
            # one); a campaign samples a ticket at most once.
            models.UniqueConstraint(
                fields=['ticket'],
                condition=Q(campaign__isnull=True, status='pending'),
                name='callback_one_pending_after_close',
            ),
            models.UniqueConstraint(fields=['campaign', 'ticket'], name='callback_once_per_campaign'),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name='callback_satisfaction_1_5',
            ),
        ]
        indexes = [
            models.Index(fields=['assignee', 'status'], name='callback_assignee_status'),
            models.Index(fields=['status', 'done_at'], name='callback_status_done'),
        ]

    def __str__(self):
        return f'{self.ticket_id}/{self.source} ({self.status})'

    def get_absolute_url(self) -> str:
        return reverse('callbacks:callback', kwargs={'pk': self.pk})
