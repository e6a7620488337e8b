"""Tickets, their append-only timeline, comments and attachments.

Nothing changes a ticket except an action in tickets/actions.py or workflow/actions.py, and every
such action writes its ``TicketEvent`` in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Channel, EventKind, Level, Priority, SupportLevel


class Category(models.Model):
    """A service category (a tree); its default team drives dispatch by category (SD-03)."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    parent = models.ForeignKey(
        'self', verbose_name=_('parent'), null=True, blank=True, on_delete=models.PROTECT, related_name='children'
    )
    default_team = models.ForeignKey(
        'accounts.Team',
        verbose_name=_('default team'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )

    class Meta:
        ordering = ['key']
        verbose_name = _('category')
        verbose_name_plural = _('categories')

    def __str__(self):
        return self.name


class Ticket(models.Model):
    """A work order (工单) following one version of one process."""

    number = models.CharField(_('number'), max_length=32, unique=True)
    process = models.ForeignKey(
        'workflow.Process', verbose_name=_('process'), on_delete=models.PROTECT, related_name='tickets'
    )
    process_version = models.ForeignKey(
        'workflow.ProcessVersion', verbose_name=_('process version'), on_delete=models.PROTECT, related_name='tickets'
    )
    state = models.SlugField(_('state'), max_length=50)
    state_kind = models.CharField(
        _('state kind'),
        max_length=10,
        db_index=False,
        help_text=_('new / open / pending / resolved / closed, from the process'),
    )
    title = models.CharField(_('title'), max_length=200)
    description = models.TextField(_('description'), blank=True)
    priority = models.CharField(_('priority'), max_length=2, choices=Priority.choices, default=Priority.P3)
    urgency = models.CharField(_('urgency'), max_length=10, choices=Level.choices, blank=True)
    impact = models.CharField(_('impact'), max_length=10, choices=Level.choices, blank=True)
    category = models.SlugField(_('category'), max_length=50, blank=True)
    channel = models.CharField(_('channel'), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('customer'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='tickets',
    )
    contact = models.ForeignKey(
        'customers.Contact',
        verbose_name=_('contact'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='tickets',
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('requester'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='requested_tickets',
    )
    team = models.ForeignKey(
        'accounts.Team', verbose_name=_('team'), null=True, blank=True, on_delete=models.PROTECT, related_name='tickets'
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('assignee'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='assigned_tickets',
    )
    support_level = models.CharField(
        _('support level'), max_length=2, choices=SupportLevel.choices, default=SupportLevel.L1
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_('watchers'), blank=True, related_name='watched_tickets'
    )
    data = models.JSONField(_('field values'), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('created by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    created_at = models.DateTimeField(_('created'), db_index=True)
    updated_at = models.DateTimeField(_('updated'), db_index=True)
    resolved_at = models.DateTimeField(_('resolved'), null=True, blank=True)
    closed_at = models.DateTimeField(_('closed'), null=True, blank=True)
    # Bumped by every action; an API client may send it back to detect a stale view (HTTP 409).
    revision = models.PositiveIntegerField(_('revision'), default=1)

    class Meta:
        ordering = ['-created_at', '-id']
        verbose_name = _('ticket')
        verbose_name_plural = _('tickets')
        indexes = [
            models.Index(fields=['state_kind', '-created_at'], name='ticket_kind_created'),
            models.Index(fields=['process', 'state', '-created_at'], name='ticket_process_state'),
            models.Index(fields=['team', 'state_kind', '-created_at'], name='ticket_team_kind'),
            models.Index(fields=['assignee', 'state_kind', '-created_at'], name='ticket_assignee_kind'),
            models.Index(fields=['customer', '-created_at'], name='ticket_customer_created'),
            models.Index(fields=['priority', '-created_at'], name='ticket_priority_created'),
            models.Index(fields=['requester', '-created_at'], name='ticket_requester_created'),
        ]

    def __str__(self):
        return f'{self.number} {self.title}'

    def get_absolute_url(self):
        return reverse('tickets:ticket', kwargs={'number': self.number})

    @property
    def spec(self):
        return self.process_version.spec

    @property
    def state_def(self):
        return self.spec.states[self.state]

    @property
    def is_open(self) -> bool:
        return self.state_kind not in ('resolved', 'closed')


class TicketEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError('TicketEvent rows are append-only')

    def delete(self):
        raise TypeError('TicketEvent rows are append-only')


class TicketEvent(models.Model):
    """One row of a ticket's timeline: who did what, when, with before/after values. Append-only."""

    ticket = models.ForeignKey(Ticket, verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='events')
    created_at = models.DateTimeField(_('time'), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('actor'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    kind = models.CharField(_('kind'), max_length=30, choices=EventKind.choices)
    transition = models.SlugField(_('transition'), max_length=50, blank=True)
    from_state = models.SlugField(_('from state'), max_length=50, blank=True)
    to_state = models.SlugField(_('to state'), max_length=50, blank=True)
    # {"field": [before, after], ...} for every value the event changed
    changes = models.JSONField(_('changes'), default=dict, blank=True)
    comment = models.ForeignKey(
        'Comment', verbose_name=_('comment'), null=True, blank=True, on_delete=models.PROTECT, related_name='+'
    )
    note = models.TextField(_('note'), blank=True)
    # Internal events (internal notes, internal-only fields) are never shown to customer contacts.
    is_internal = models.BooleanField(_('internal'), default=False)

    objects = TicketEventQuerySet.as_manager()

    class Meta:
        ordering = ['created_at', 'id']
        verbose_name = _('ticket event')
        verbose_name_plural = _('ticket events')
        indexes = [models.Index(fields=['ticket', 'created_at'], name='event_ticket_time')]

    def __str__(self):
        return f'{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M:%S}'

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError('TicketEvent rows are append-only')
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError('TicketEvent rows are append-only')


class Comment(models.Model):
    """A reply to the customer, or an internal note (``is_internal``) that customers never see."""

    ticket = models.ForeignKey(Ticket, verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='comments')
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('author'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    body = models.TextField(_('text'))
    is_internal = models.BooleanField(_('internal note'), default=False)
    created_at = models.DateTimeField(_('time'))

    class Meta:
        ordering = ['created_at', 'id']
        verbose_name = _('comment')
        verbose_name_plural = _('comments')
        indexes = [models.Index(fields=['ticket', 'created_at'], name='comment_ticket_time')]

    def __str__(self):
        return f'{self.ticket_id}: {self.body[:40]}'


def _attachment_storage():
    return storages['attachments']


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name grouped by date; the original name is kept only in the database.
    return f'{instance.created_at:%Y/%m}/{instance.token}'


class Attachment(models.Model):
    """A file attached to a ticket, stored outside the web root and served only after an access check."""

    ticket = models.ForeignKey(Ticket, verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='attachments')
    comment = models.ForeignKey(
        Comment, verbose_name=_('comment'), null=True, blank=True, on_delete=models.SET_NULL, related_name='attachments'
    )
    field = models.SlugField(
        _('field'), max_length=50, blank=True, help_text=_('The attachment field it fills, if any')
    )
    token = models.CharField(_('storage name'), max_length=64, unique=True, editable=False)
    file = models.FileField(_('file'), storage=_attachment_storage, upload_to=attachment_path, max_length=200)
    filename = models.CharField(_('file name'), max_length=200)
    content_type = models.CharField(_('content type'), max_length=100)
    size = models.PositiveBigIntegerField(_('size'))
    sha256 = models.CharField(_('SHA-256'), max_length=64)
    is_internal = models.BooleanField(_('internal'), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('uploaded by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    created_at = models.DateTimeField(_('uploaded'))

    class Meta:
        ordering = ['created_at', 'id']
        verbose_name = _('attachment')
        verbose_name_plural = _('attachments')

    def __str__(self):
        return self.filename


class TicketSequence(models.Model):
    """The last number handed out per (prefix, day): ``IDC-20261122-0007``. Gaps are allowed, duplicates not."""

    prefix = models.CharField(max_length=8)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['prefix', 'day'], name='ticket_sequence_unique')]

    def __str__(self):
        return f'{self.prefix}-{self.day:%Y%m%d}: {self.last}'


class SavedView(models.Model):
    """A named queue filter a user saved (optionally shared with everyone)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('owner'), on_delete=models.CASCADE, related_name='saved_views'
    )
    name = models.CharField(_('name'), max_length=100)
    query = models.CharField(_('query string'), max_length=2000)
    is_shared = models.BooleanField(_('shared'), default=False)
    created_at = models.DateTimeField(_('created'), auto_now_add=True)

    class Meta:
        ordering = ['name']
        verbose_name = _('saved view')
        verbose_name_plural = _('saved views')
        constraints = [models.UniqueConstraint(fields=['owner', 'name'], name='saved_view_owner_name')]

    def __str__(self):
        return self.name


class TicketSearch(models.Model):
    """The full-text documents of one ticket, kept current by tickets/search.py (derived data, not history).

    ``public_text`` holds what a customer contact may match (title, description, number, customer, visible
    fields, replies); ``internal_text`` what only staff may match (internal notes and internal-only fields).
    Both are pre-segmented (jieba), space-separated lowercase tokens. The backend index lives beside this
    table and is created by migration 0002: an FTS5 table on SQLite, generated tsvector columns on PostgreSQL.
    """

    ticket = models.OneToOneField(
        Ticket, verbose_name=_('ticket'), primary_key=True, on_delete=models.CASCADE, related_name='search_document'
    )
    public_text = models.TextField(_('public text'), blank=True, default='')
    internal_text = models.TextField(_('internal text'), blank=True, default='')

    class Meta:
        verbose_name = _('search document')
        verbose_name_plural = _('search documents')

    def __str__(self):
        return str(self.ticket_id)


__all__ = ['Attachment', 'Category', 'Comment', 'SavedView', 'Ticket', 'TicketEvent', 'TicketSearch', 'TicketSequence']
