"""Approval requests opened by a process state, and the approvers' decisions.

Modes (workflow/schema.py ApprovalDef): ``one`` — the single resolved approver decides; ``any`` — the
first decision among the set decides; ``all`` — every approver must approve, one rejection rejects;
``chain`` — approvers decide one after another in the declared order, one rejection rejects.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalStatus(models.TextChoices):
    PENDING = 'pending', _('Pending')
    APPROVED = 'approved', _('Approved')
    REJECTED = 'rejected', _('Rejected')
    CANCELLED = 'cancelled', _('Cancelled')


class ApprovalRequest(models.Model):
    """One run of an approval step of a ticket's process."""

    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='approvals'
    )
    step = models.SlugField(_('approval step'), max_length=50)
    mode = models.CharField(_('mode'), max_length=10)
    state = models.SlugField(_('state that opened it'), max_length=50)
    status = models.CharField(
        _('status'), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('requested by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    created_at = models.DateTimeField(_('requested'))
    decided_at = models.DateTimeField(_('decided'), null=True, blank=True)

    class Meta:
        ordering = ['-created_at', '-id']
        verbose_name = _('approval request')
        verbose_name_plural = _('approval requests')
        indexes = [models.Index(fields=['ticket', 'status'], name='approval_ticket_status')]

    def __str__(self):
        return f'{self.ticket_id}/{self.step} ({self.status})'


class ApprovalTask(models.Model):
    """One approver's part of a request; in a chain, ``order`` says when it is their turn."""

    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_('approval request'), on_delete=models.CASCADE, related_name='tasks'
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('approver'), on_delete=models.PROTECT, related_name='approval_tasks'
    )
    order = models.PositiveSmallIntegerField(_('order'), default=0)
    decision = models.CharField(
        _('decision'), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    comment = models.TextField(_('comment'), blank=True)
    decided_at = models.DateTimeField(_('decided'), null=True, blank=True)

    class Meta:
        ordering = ['request', 'order', 'id']
        verbose_name = _('approval task')
        verbose_name_plural = _('approval tasks')
        indexes = [models.Index(fields=['approver', 'decision'], name='approval_task_approver')]

    def __str__(self):
        return f'{self.request_id}: {self.approver_id} {self.decision}'
