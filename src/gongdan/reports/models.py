"""The reports app's tables.

``DailyRollup`` is a derived cache: per local day, metric and dimension tuple, the count of what the metric
counts, rebuilt from the tickets, their timeline and the SLA clocks (reports/rollup.py, docs/reports.md says how it
stays correct). Nobody enters a number into it. ``CoarseRollup`` is the same without the engineer and category
dimensions, for long sums. ``RollupState`` holds the incremental refresh's watermark.
``ReportSubscription`` asks for a report by e-mail every period; ``ReportDelivery`` records each period sent,
unique per subscription and period, which makes the scheduled job idempotent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    CREATED = 'created', _('Tickets created')
    RESOLVED = 'resolved', _('Tickets resolved')
    REOPENED = 'reopened', _('Tickets reopened')
    CLOCK_MET = 'clock_met', _('Clocks met')
    CLOCK_BREACHED = 'clock_breached', _('Clocks breached')


class DailyRollup(models.Model):
    day = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    clock_key = models.SlugField(max_length=50, blank=True, default='')
    # A derived cache, rebuilt from the source rows: no foreign-key constraints or per-column indexes to maintain
    # on every insert (only the (metric, day) index the sums read); rows of a deleted team or person are dropped
    # by the ORM's cascade and, at the latest, by the nightly rebuild.
    process = models.ForeignKey(
        'workflow.Process', on_delete=models.CASCADE, related_name='+', db_constraint=False, db_index=False
    )
    team = models.ForeignKey(
        'accounts.Team',
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
        db_constraint=False,
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
        db_constraint=False,
        db_index=False,
    )
    customer = models.ForeignKey(
        'customers.Customer',
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(max_length=10, blank=True, default='')
    category = models.CharField(max_length=100, blank=True, default='')
    value = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=['metric', 'day'], name='reports_rollup_metric_day')]

    def __str__(self):
        return f'{self.day} {self.metric} {self.value}'


class CoarseRollup(models.Model):
    """The daily rollup without the engineer (assignee) and category dimensions: the same days, metrics and
    counts summed over those two columns, written with DailyRollup's rows in the same transaction (actions.py
    ``_replace_days``), so the two always agree. Sums that group or filter by neither column (year-long totals by
    team, customer, process, channel) read this table: a few dozen times fewer rows."""

    day = models.DateField()
    metric = models.CharField(max_length=20, choices=Metric.choices)
    clock_key = models.SlugField(max_length=50, blank=True, default='')
    process = models.ForeignKey(
        'workflow.Process', on_delete=models.CASCADE, related_name='+', db_constraint=False, db_index=False
    )
    team = models.ForeignKey(
        'accounts.Team',
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
        db_constraint=False,
        db_index=False,
    )
    customer = models.ForeignKey(
        'customers.Customer',
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
        db_constraint=False,
        db_index=False,
    )
    channel = models.CharField(max_length=10, blank=True, default='')
    value = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=['metric', 'day'], name='reports_coarse_metric_day')]

    def __str__(self):
        return f'{self.day} {self.metric} {self.value} (coarse)'


class RollupState(models.Model):
    """One row (pk 1): up to when ticket changes have been folded into the rollup, and which ticket versions
    inside the re-read margin were already folded in (``folded``: {ticket id: updated_at ISO}), so the next
    refresh does not recompute their days again."""

    watermark = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    folded = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f'rollup up to {self.watermark}'


class ReportKind(models.TextChoices):
    CRC02 = 'crc02', _('Quarterly report (CRC-02)')
    SD07 = 'sd07', _('Monthly service meeting pack (SD-07)')
    # The kinds below are declared together so every report's subscription shares one migration.
    SATISFACTION = 'satisfaction', _('Satisfaction report and callback problem analysis (SVC-09, SD-01)')
    COMPLAINTS_DAILY = 'complaints_daily', _('Daily complaint summary (SVC-10)')
    COMPLAINTS = 'complaints', _('Periodic complaint report (SVC-10)')
    MAINTENANCE_DAILY = 'maintenance_daily', _('Daily maintenance report (SVC-11)')
    REVENUE = 'revenue', _('Revenue report (IDC-12)')


class Frequency(models.TextChoices):
    DAILY = 'daily', _('Daily')
    WEEKLY = 'weekly', _('Weekly')
    MONTHLY = 'monthly', _('Monthly')
    QUARTERLY = 'quarterly', _('Quarterly')


class Format(models.TextChoices):
    XLSX = 'xlsx', _('Excel')
    PDF = 'pdf', _('PDF')


class ReportSubscription(models.Model):
    """Send ``kind`` for each ended period (day, week, month, quarter) to ``recipient``, maybe for one team/customer."""

    kind = models.CharField(_('report'), max_length=20, choices=ReportKind.choices)
    frequency = models.CharField(_('frequency'), max_length=10, choices=Frequency.choices)
    format = models.CharField(_('format'), max_length=4, choices=Format.choices, default=Format.XLSX)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('recipient'), on_delete=models.CASCADE, related_name='+'
    )
    team = models.ForeignKey(
        'accounts.Team', verbose_name=_('team'), null=True, blank=True, on_delete=models.CASCADE, related_name='+'
    )
    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('customer'),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name='+',
    )
    is_active = models.BooleanField(_('active'), default=True)
    created_at = models.DateTimeField(_('created'))

    class Meta:
        verbose_name = _('report subscription')
        verbose_name_plural = _('report subscriptions')

    def __str__(self):
        return f'{self.kind}/{self.frequency} → {self.recipient_id}'


class ReportDelivery(models.Model):
    subscription = models.ForeignKey(ReportSubscription, on_delete=models.CASCADE, related_name='deliveries')
    period_start = models.DateField()
    period_end = models.DateField()
    sent_at = models.DateTimeField()
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _('report delivery')
        verbose_name_plural = _('report deliveries')
        constraints = [
            models.UniqueConstraint(fields=['subscription', 'period_start'], name='reports_delivery_once_per_period')
        ]

    def __str__(self):
        return f'{self.subscription_id} {self.period_start}'
