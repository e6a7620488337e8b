"""Service information notices (SD-01: the desk publishes service information, e.g. system go-live/offline)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import NoticeAudience, NoticeKind


class ServiceNotice(models.Model):
    """One announcement, shown between ``starts_at`` and ``ends_at`` to its audience (agents, all customers or
    the selected ``customers``) until withdrawn. Published by supervisors and administrators (notices.actions)."""

    title = models.CharField(_('title'), max_length=200)
    body = models.TextField(_('text'), blank=True)
    kind = models.CharField(_('kind'), max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    affected_systems = models.CharField(_('affected systems'), max_length=300, blank=True)
    audience = models.CharField(_('audience'), max_length=20, choices=NoticeAudience.choices)
    customers = models.ManyToManyField(
        'customers.Customer', verbose_name=_('customers'), blank=True, related_name='service_notices'
    )
    starts_at = models.DateTimeField(_('shown from'))
    ends_at = models.DateTimeField(_('shown until'))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('published by'), on_delete=models.PROTECT, related_name='+'
    )
    created_at = models.DateTimeField(_('published'))
    updated_at = models.DateTimeField(_('updated'))
    withdrawn_at = models.DateTimeField(_('withdrawn'), null=True, blank=True)

    class Meta:
        ordering = ['-starts_at', '-id']
        verbose_name = _('service notice')
        verbose_name_plural = _('service notices')
        indexes = [models.Index(fields=['ends_at', 'starts_at'], name='notice_window')]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F('starts_at')), name='notice_ends_after_start'
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse('notices:notice', kwargs={'pk': self.pk})
