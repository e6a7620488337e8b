"""Emergencies (紧急事件, CSC-01/CSC-02) and the 24-hour contact list (CSC-05).

An ``Emergency`` hangs on the ticket it was declared on (any process: a crc_fault or sd_event fault ticket
usually). Confirmed by the engineering manager it opens a Red Flag ticket (process ``csc_red_flag``) whose
clocks the SLA engine runs; the emergency's status follows the Red Flag until quality closes it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ACTIVE_STATUSES, ContactSide, EmergencyCriterion, EmergencyStatus


class Emergency(models.Model):
    """One declaration of an emergency on a ticket, with the engineering manager's decision (CSC-01, CSC-02).

    Changed only by emergencies/actions.py; every change writes a row on the source ticket's timeline.
    """

    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('ticket'), on_delete=models.PROTECT, related_name='emergencies'
    )
    status = models.CharField(
        _('status'), max_length=20, choices=EmergencyStatus.choices, default=EmergencyStatus.DECLARED
    )
    # The CSC-01 criteria that were ticked: a list of EmergencyCriterion slugs, at least one.
    criteria = models.JSONField(_('criteria'), default=list)
    description = models.TextField(_('what is happening'), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('declared by'), on_delete=models.PROTECT, related_name='+'
    )
    declared_at = models.DateTimeField(_('declared at'))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('confirmed or rejected by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    decided_at = models.DateTimeField(_('confirmed or rejected at'), null=True, blank=True)
    decision_comment = models.TextField(_('comment on the decision'), blank=True)
    red_flag = models.OneToOneField(
        'tickets.Ticket',
        verbose_name=_('Red Flag ticket'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='red_flag_of',
    )
    resolved_at = models.DateTimeField(_('restored at'), null=True, blank=True)
    closed_at = models.DateTimeField(_('closed at'), null=True, blank=True)
    updated_at = models.DateTimeField(_('updated at'))

    class Meta:
        ordering = ['-declared_at']
        verbose_name = _('emergency')
        verbose_name_plural = _('emergencies')
        constraints = [
            # One live emergency per ticket: a second declaration while one is pending or open is a Conflict.
            models.UniqueConstraint(
                fields=['ticket'], condition=Q(status__in=ACTIVE_STATUSES), name='emergency_one_active_per_ticket'
            ),
        ]
        indexes = [
            # The banner reads the open Red Flags on every staff page: this index keeps it one cheap lookup.
            models.Index(fields=['status', '-declared_at'], name='emergency_status'),
        ]

    def __str__(self):
        return f'{self.ticket.number} {self.status}'

    def criteria_labels(self) -> list[str]:
        labels = dict(EmergencyCriterion.choices)
        return [str(labels.get(c, c)) for c in self.criteria]

    @property
    def is_open_red_flag(self) -> bool:
        return self.status in (EmergencyStatus.CONFIRMED, EmergencyStatus.RESOLVED)


class PagingContact(models.Model):
    """A named interface person on the 24-hour contact list (CSC-05), paged when a Red Flag is confirmed.

    ``user``: the person's account, when they have one (in-app and e-mail reach them, and their name shows on
    the Red Flag's timeline); ``email`` reaches people without an account; ``team``: the group chats (WeCom,
    DingTalk, Feishu robots) of this team get the page too. Changed only by emergencies/actions.py.
    """

    name = models.CharField(_('name'), max_length=100)
    side = models.CharField(_('side'), max_length=30, choices=ContactSide.choices, default=ContactSide.CSC)
    organisation = models.CharField(_('organisation or product line'), max_length=200, blank=True)
    duty = models.CharField(_('role on the list'), max_length=200, blank=True)
    phone = models.CharField(_('phone (24 hours)'), max_length=40)
    email = models.EmailField(_('e-mail'), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('account'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='paging_entries',
    )
    team = models.ForeignKey(
        'accounts.Team',
        verbose_name=_('team (group robots)'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='paging_entries',
    )
    on_duty = models.CharField(
        _('on-duty hours'), max_length=100, blank=True, help_text=_('For example 7×24, or 08:30-17:30 on workdays.')
    )
    position = models.PositiveIntegerField(_('order'), default=0)
    is_active = models.BooleanField(_('active'), default=True)
    updated_at = models.DateTimeField(_('updated at'))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('updated by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )

    class Meta:
        ordering = ['side', 'position', 'name']
        verbose_name = _('24-hour contact')
        verbose_name_plural = _('24-hour contact list')

    def __str__(self):
        return self.name
