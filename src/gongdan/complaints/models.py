"""The daily complaint summary (客户投诉汇总表, SVC-10): one row per reporting day."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DailySummary(models.Model):
    """The complaint summary of one reporting day, built from the complaint tickets and sent once (SVC-10).

    ``data`` holds what was summarised, in slugs and numbers (labels are looked up when it is shown):
    ``new`` (complaints recorded in the period, by category and severity), ``open`` (still open at the end,
    with their age), ``closed`` (closed in the period, with the result and satisfaction) and ``overdue``
    (open complaints past a deadline at the end). Rebuilt on demand until it is sent; frozen afterwards.
    """

    date = models.DateField(_('reporting day'), unique=True)
    period_start = models.DateTimeField(_('period from'))
    period_end = models.DateTimeField(_('period until'))
    data = models.JSONField(_('summary'), default=dict)
    new_count = models.PositiveIntegerField(_('new complaints'), default=0)
    open_count = models.PositiveIntegerField(_('open complaints'), default=0)
    closed_count = models.PositiveIntegerField(_('closed complaints'), default=0)
    overdue_count = models.PositiveIntegerField(_('overdue complaints'), default=0)
    built_at = models.DateTimeField(_('built at'))
    sent_at = models.DateTimeField(_('sent at'), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_('sent by'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='+',
    )
    recipient_count = models.PositiveIntegerField(_('recipients'), default=0)

    class Meta:
        ordering = ['-date']
        verbose_name = _('daily complaint summary')
        verbose_name_plural = _('daily complaint summaries')

    def __str__(self):
        return str(self.date)

    def get_absolute_url(self) -> str:
        return reverse('complaints:summary_detail', kwargs={'pk': self.pk})
