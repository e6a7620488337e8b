"""Inspection plans, the inspections the scheduler files from them and the checklist results (系统巡检, SVC-11).

An inspection is a ticket of the ``svc_inspection`` process; ``Inspection`` ties it to its plan and slot (unique
per plan and slot: the scheduler's idempotency) and ``InspectionCheck`` holds one row per checklist item, copied
from the plan when the inspection is filed (a plan changed later does not rewrite past rounds).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CheckResult, InspectedSystem, Schedule, Severity


class InspectionPlan(models.Model):
    """What is inspected, by whom and when: the named inspector and network administrator (SVC-11)."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=200)
    schedule = models.CharField(_('schedule'), max_length=10, choices=Schedule.choices, default=Schedule.DAILY)
    at_time = models.TimeField(_('time of day'), null=True, blank=True, help_text=_('Daily and weekly plans'))
    weekdays = models.JSONField(_('weekdays'), default=list, blank=True, help_text=_('Weekly plans: mon … sun'))
    cron = models.CharField(_('cron expression'), max_length=100, blank=True, help_text=_('Cron plans, local time'))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('inspector'), on_delete=models.PROTECT, related_name='+'
    )
    network_admin = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('network administrator'), on_delete=models.PROTECT, related_name='+'
    )
    is_active = models.BooleanField(_('active'), default=True)
    starts_at = models.DateTimeField(_('first slot not before'))
    created_at = models.DateTimeField(_('created'))

    class Meta:
        ordering = ['key']
        verbose_name = _('inspection plan')
        verbose_name_plural = _('inspection plans')

    def __str__(self):
        return self.name

    def clean(self):
        """The schedule is complete and the cron expression valid (the admin edits plans as reference data)."""
        from django.core.exceptions import ValidationError

        from .schedule import cron_expression, valid_cron

        try:
            expression = cron_expression(self.schedule, at_time=self.at_time, weekdays=self.weekdays, cron=self.cron)
        except ValueError:
            raise ValidationError(_('Give the time of day (and for a weekly plan the weekdays mon … sun).')) from None
        if not valid_cron(expression):
            raise ValidationError(
                {'cron': _('Not a valid cron expression (five fields: minute hour day month weekday).')}
            )


class InspectionItem(models.Model):
    """One checklist item of a plan: which system, what to check, whether an abnormal result is urgent."""

    plan = models.ForeignKey(InspectionPlan, verbose_name=_('plan'), on_delete=models.CASCADE, related_name='items')
    position = models.PositiveIntegerField(_('position'), default=0)
    system = models.CharField(_('system'), max_length=20, choices=InspectedSystem.choices)
    title = models.CharField(_('check'), max_length=200)
    guidance = models.TextField(_('how to check'), blank=True)
    urgent = models.BooleanField(
        _('urgent when abnormal'), default=False, help_text=_('An abnormal result opens a fault ticket at once')
    )

    class Meta:
        ordering = ['plan', 'position', 'id']
        verbose_name = _('checklist item')
        verbose_name_plural = _('checklist items')

    def __str__(self):
        return self.title


class Inspection(models.Model):
    """One round of a plan at one scheduled slot, and its ticket (unique per plan and slot)."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_('plan'), on_delete=models.PROTECT, related_name='inspections'
    )
    slot = models.DateTimeField(_('scheduled for'))
    ticket = models.OneToOneField(
        'tickets.Ticket', verbose_name=_('ticket'), on_delete=models.CASCADE, related_name='inspection'
    )
    created_at = models.DateTimeField(_('created'))
    report_attachment = models.ForeignKey(
        'tickets.Attachment',
        verbose_name=_('inspection report'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )

    class Meta:
        ordering = ['-slot', 'plan']
        verbose_name = _('inspection')
        verbose_name_plural = _('inspections')
        constraints = [models.UniqueConstraint(fields=['plan', 'slot'], name='inspection_plan_slot_unique')]

    def __str__(self):
        return f'{self.plan.key} {self.slot.isoformat()}'


class InspectionCheck(models.Model):
    """The result of one checklist item in one inspection: normal or abnormal, with notes (SVC-11)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_('inspection'), on_delete=models.CASCADE, related_name='checks'
    )
    item = models.ForeignKey(
        InspectionItem, verbose_name=_('checklist item'), null=True, blank=True, on_delete=models.SET_NULL
    )
    position = models.PositiveIntegerField(_('position'), default=0)
    system = models.CharField(_('system'), max_length=20, choices=InspectedSystem.choices)
    title = models.CharField(_('check'), max_length=200)
    urgent = models.BooleanField(_('urgent when abnormal'), default=False)
    result = models.CharField(_('result'), max_length=10, choices=CheckResult.choices, default=CheckResult.PENDING)
    severity = models.CharField(_('severity'), max_length=10, choices=Severity.choices, blank=True)
    notes = models.TextField(_('notes'), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('checked by'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='+',
    )
    checked_at = models.DateTimeField(_('checked at'), null=True, blank=True)
    fault_ticket = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('fault ticket'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )

    class Meta:
        ordering = ['inspection', 'position', 'id']
        verbose_name = _('inspection check')
        verbose_name_plural = _('inspection checks')

    def __str__(self):
        return self.title
