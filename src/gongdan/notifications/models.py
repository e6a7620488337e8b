"""Notifications: the in-app bell, the outbox of deliveries, people's channel choices and team robots.

An event (a ticket assigned, a reply, an SLA breach, ...) becomes, inside the transaction that caused it:

- one ``Notification`` per person who gets it in the app (the bell), and
- one ``Delivery`` per message that leaves the system (an e-mail, a group-robot post): the *outbox*.

The worker sends deliveries after commit, retrying with backoff; the outbox is the source of truth, so a
lost queue message is found again by the periodic sweep (docs/notifications.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Channel, DeliveryStatus, RobotPlatform


class Notification(models.Model):
    """One event shown to one person in the app (the bell), already rendered in their language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('recipient'), on_delete=models.CASCADE, related_name='notifications'
    )
    event_type = models.CharField(_('event type'), max_length=50)
    ticket = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('ticket'),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='notifications',
    )
    title = models.CharField(_('title'), max_length=300)
    body = models.TextField(_('text'), blank=True)
    url = models.CharField(_('link'), max_length=500, blank=True)
    created_at = models.DateTimeField(_('created'))
    read_at = models.DateTimeField(_('read'), null=True, blank=True)

    class Meta:
        ordering = ['-created_at', '-id']
        verbose_name = _('notification')
        verbose_name_plural = _('notifications')
        indexes = [
            models.Index(fields=['recipient', '-created_at'], name='notification_recipient_time'),
            # the bell's count: unread rows of one person
            models.Index(fields=['recipient'], condition=Q(read_at__isnull=True), name='notification_unread'),
        ]

    def __str__(self):
        return f'{self.recipient_id}: {self.title}'

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One message in the outbox: an e-mail to one address, or one post to one team robot.

    ``payload`` holds the rendered message (e-mail: subject, text, html; robots: the platform's JSON body
    without the signature, which is computed at send time because it carries a timestamp).
    ``next_attempt_at`` is when the worker may pick the row up: the first try, the next retry, or — while
    ``sending`` — the end of the worker's claim (a worker that died mid-send releases the row then).
    """

    channel = models.CharField(
        _('channel'), max_length=10, choices=[c for c in Channel.choices if c[0] != Channel.INAPP]
    )
    target = models.CharField(_('target'), max_length=320, help_text=_('E-mail address, or the robot id'))
    robot = models.ForeignKey(
        'TeamRobot', verbose_name=_('robot'), null=True, blank=True, on_delete=models.SET_NULL, related_name='+'
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_('notification'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='deliveries',
    )
    event_type = models.CharField(_('event type'), max_length=50)
    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('ticket'), null=True, blank=True, on_delete=models.SET_NULL, related_name='+'
    )
    subject = models.CharField(_('subject'), max_length=300)
    payload = models.JSONField(_('payload'), default=dict)
    status = models.CharField(
        _('status'), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_('attempts'), default=0)
    next_attempt_at = models.DateTimeField(_('next attempt'), null=True, blank=True)
    last_error = models.TextField(_('last error'), blank=True)
    sent_at = models.DateTimeField(_('sent'), null=True, blank=True)
    created_at = models.DateTimeField(_('created'))

    class Meta:
        ordering = ['-created_at', '-id']
        verbose_name = _('delivery')
        verbose_name_plural = _('deliveries')
        indexes = [
            # the worker's only query: open rows by due time (its cost follows the number due, not the outbox size)
            models.Index(
                fields=['next_attempt_at'],
                condition=Q(status__in=['pending', 'failed', 'sending']),
                name='delivery_due',
            ),
            models.Index(fields=['status', '-created_at'], name='delivery_status_time'),
        ]

    def __str__(self):
        return f'{self.channel} → {self.target}: {self.subject}'


class Preference(models.Model):
    """The channels one person wants for one event type (no row: the event type's default channels)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('user'),
        on_delete=models.CASCADE,
        related_name='notification_preferences',
    )
    event_type = models.CharField(_('event type'), max_length=50)
    channels = models.JSONField(_('channels'), default=list, blank=True)

    class Meta:
        ordering = ['user', 'event_type']
        verbose_name = _('notification preference')
        verbose_name_plural = _('notification preferences')
        constraints = [models.UniqueConstraint(fields=['user', 'event_type'], name='preference_user_event')]

    def __str__(self):
        return f'{self.user_id} {self.event_type}: {",".join(self.channels)}'


class RecipientSettings(models.Model):
    """Per-person settings of notifications: the language messages are written in (no row: zh-hans).

    The UI language is a browser cookie, which the worker sending an e-mail cannot see; so the language of
    notifications is chosen on the preferences page and stored here.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_('user'),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name='notification_settings',
    )
    language = models.CharField(_('language'), max_length=10, choices=settings.LANGUAGES, default='zh-hans')

    class Meta:
        verbose_name = _('notification settings')
        verbose_name_plural = _('notification settings')

    def __str__(self):
        return f'{self.user_id}: {self.language}'


class TeamRobot(models.Model):
    """A group-chat robot webhook of a team (处理组): WeCom, DingTalk or Feishu.

    ``url`` is validated against the webhook policy (security.check_webhook_url) when saved and again at
    every send. ``secret`` is the signing secret (DingTalk 加签, Feishu 签名校验); WeCom has none.
    """

    team = models.ForeignKey('accounts.Team', verbose_name=_('team'), on_delete=models.CASCADE, related_name='robots')
    name = models.CharField(_('name'), max_length=100)
    platform = models.CharField(_('platform'), max_length=10, choices=RobotPlatform.choices)
    url = models.CharField(_('webhook URL'), max_length=1000)
    secret = models.CharField(_('signing secret'), max_length=200, blank=True)
    enabled = models.BooleanField(_('enabled'), default=True)
    language = models.CharField(_('language'), max_length=10, choices=settings.LANGUAGES, default='zh-hans')
    event_types = models.JSONField(
        _('event types'), default=list, blank=True, help_text=_('Leave empty to post every event the team gets.')
    )
    created_at = models.DateTimeField(_('created'))
    updated_at = models.DateTimeField(_('updated'))

    class Meta:
        ordering = ['team', 'name']
        verbose_name = _('team robot')
        verbose_name_plural = _('team robots')
        indexes = [models.Index(fields=['team'], condition=Q(enabled=True), name='team_robot_enabled')]

    def __str__(self):
        return f'{self.team} · {self.name}'


class WebhookAllowedHost(models.Model):
    """A webhook host an administrator trusts although it may resolve to a private address (an internal proxy).

    Reference data of the webhook policy (security.py); the site-wide switch is GONGDAN_WEBHOOK_ALLOW_PRIVATE.
    """

    host = models.CharField(_('host'), max_length=253, unique=True, help_text=_('Exact host name or IP address'))
    note = models.CharField(_('note'), max_length=200, blank=True)

    class Meta:
        ordering = ['host']
        verbose_name = _('allowed webhook host')
        verbose_name_plural = _('allowed webhook hosts')

    def __str__(self):
        return self.host

    def save(self, *args, **kwargs):
        # Host names are case-insensitive; store them folded so the policy's lookup is one equality test.
        self.host = (self.host or '').strip().lower().rstrip('.')
        super().save(*args, **kwargs)
