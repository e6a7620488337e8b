"""Records of the enterprise-customer response center that a ticket's fields cannot hold.

- ``CheckForm``: one pre-sales resource-check form sent to one department (CRC-04), answered by it;
- ``ExtensionRequest``: an extension asked for a provisioning step, granted or refused (CRC-05); a refused late
  request is an overdue mark, and every one counts;
- ``Circuit``: the circuit ledger (电路台帐) kept up to date by completed provisioning orders (CRC-05).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CheckFormStatus, CircuitStatus, ExtensionOutcome, Feasibility


class CheckForm(models.Model):
    """A resource-check form (资源核查单) the center sent to one department (CRC-04)."""

    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('resource check'), on_delete=models.CASCADE, related_name='check_forms'
    )
    team = models.ForeignKey('accounts.Team', verbose_name=_('department'), on_delete=models.PROTECT, related_name='+')
    status = models.CharField(_('status'), max_length=20, choices=CheckFormStatus.choices, default=CheckFormStatus.SENT)
    sent_at = models.DateTimeField(_('sent at'))
    feasibility = models.CharField(_('can it be met'), max_length=10, choices=Feasibility.choices, blank=True)
    answer = models.TextField(_('answer'), blank=True)
    answered_by = models.ForeignKey(
        'accounts.User',
        verbose_name=_('answered by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    answered_at = models.DateTimeField(_('answered at'), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_('reminders'), default=0)
    last_reminded_at = models.DateTimeField(_('last reminded at'), null=True, blank=True)

    class Meta:
        ordering = ['ticket', 'team__key']
        verbose_name = _('check form')
        verbose_name_plural = _('check forms')
        constraints = [models.UniqueConstraint(fields=['ticket', 'team'], name='crc_check_form_one_per_team')]

    def __str__(self):
        return f'{self.ticket_id}:{self.team_id}'


class ExtensionRequest(models.Model):
    """An extension (延期) asked for one step of a provisioning order (CRC-05)."""

    ticket = models.ForeignKey(
        'tickets.Ticket', verbose_name=_('provisioning order'), on_delete=models.CASCADE, related_name='extensions'
    )
    step = models.SlugField(_('step'), max_length=50)
    requested_at = models.DateTimeField(_('requested at'))
    requested_by = models.ForeignKey(
        'accounts.User', verbose_name=_('requested by'), on_delete=models.PROTECT, related_name='+'
    )
    customer_caused = models.BooleanField(_('caused by the customer'))
    reason = models.TextField(_('reason'))
    step_deadline = models.DateTimeField(_("the step's deadline"), null=True, blank=True)
    outcome = models.CharField(_('outcome'), max_length=20, choices=ExtensionOutcome.choices)

    class Meta:
        ordering = ['ticket', 'requested_at', 'pk']
        verbose_name = _('extension request')
        verbose_name_plural = _('extension requests')

    def __str__(self):
        return f'{self.ticket_id}:{self.step}:{self.outcome}'

    @property
    def counts_overdue(self) -> bool:
        return self.outcome == ExtensionOutcome.REFUSED_LATE


class Circuit(models.Model):
    """One line of the circuit ledger (电路台帐), written when a provisioning order is completed (CRC-05)."""

    circuit_id = models.CharField(_('circuit number'), max_length=100, unique=True)
    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('customer'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='circuits',
    )
    service_type = models.CharField(_('service type'), max_length=50, blank=True)
    bandwidth = models.CharField(_('bandwidth'), max_length=50, blank=True)
    a_end = models.CharField(_('A end'), max_length=200, blank=True)
    z_end = models.CharField(_('Z end'), max_length=200, blank=True)
    dispatch_role = models.CharField(_('dispatch role'), max_length=20, blank=True)
    status = models.CharField(
        _('status'), max_length=20, choices=CircuitStatus.choices, default=CircuitStatus.IN_SERVICE
    )
    order = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('provisioning order'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    completed_at = models.DateTimeField(_('completed at'))
    updated_at = models.DateTimeField(_('updated'))

    class Meta:
        ordering = ['circuit_id']
        verbose_name = _('circuit')
        verbose_name_plural = _('circuits')

    def __str__(self):
        return self.circuit_id
