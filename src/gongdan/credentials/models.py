"""The credential register (SVC-01 … SVC-06). Written only by credentials/actions.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import LOCAL_ACCESS, AccessType, GrantStatus, StaffKind


class System(models.Model):
    """A system whose passwords are managed (SVC-01): how it is reached and which units use it (SVC-05)."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    access_type = models.CharField(_('access type'), max_length=10, choices=AccessType.choices)
    address = models.CharField(_('address'), max_length=200, blank=True, help_text=_('Host, URL or location.'))
    owner_team = models.ForeignKey(
        'accounts.Team', verbose_name=_('owner team'), null=True, blank=True, on_delete=models.SET_NULL,
        related_name='+',
    )  # fmt: skip
    user_teams = models.ManyToManyField(
        'accounts.Team', verbose_name=_('user units'), blank=True, related_name='+',
        help_text=_('Units that use the password and are told of each rotation within 24 hours (SVC-05).'),
    )  # fmt: skip
    is_active = models.BooleanField(_('active'), default=True)
    notes = models.TextField(_('notes'), blank=True)

    class Meta:
        verbose_name = _('system')
        verbose_name_plural = _('systems')
        ordering = ['key']

    def __str__(self):
        return self.name

    @property
    def is_local(self) -> bool:
        return self.access_type in LOCAL_ACCESS


class Grant(models.Model):
    """One access given (SVC-04: every grant is recorded and filed): who, which system, what, when, until when."""

    system = models.ForeignKey(System, verbose_name=_('system'), on_delete=models.PROTECT, related_name='grants')
    ticket = models.OneToOneField(
        'tickets.Ticket', verbose_name=_('access request'), on_delete=models.PROTECT, related_name='credential_grant'
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('grantee'), null=True, blank=True, on_delete=models.PROTECT,
        related_name='+',
    )  # fmt: skip
    grantee_name = models.CharField(_('grantee'), max_length=100)
    staff_kind = models.CharField(_('staff'), max_length=10, choices=StaffKind.choices)
    access_level = models.CharField(_('access level'), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('granted by'), on_delete=models.PROTECT, related_name='+'
    )
    granted_at = models.DateTimeField(_('granted at'))
    valid_until = models.DateField(_('valid until'))
    is_emergency = models.BooleanField(_('emergency grant'), default=False)
    paperwork_due_at = models.DateTimeField(_('paperwork due'), null=True, blank=True)
    paperwork_done_at = models.DateTimeField(_('paperwork completed'), null=True, blank=True)
    revoked_at = models.DateTimeField(_('closed at'), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('closed by'), null=True, blank=True, on_delete=models.PROTECT,
        related_name='+',
    )  # fmt: skip
    revoke_reason = models.CharField(_('why closed'), max_length=500, blank=True)

    class Meta:
        verbose_name = _('grant')
        verbose_name_plural = _('grants')
        ordering = ['-granted_at']
        indexes = [models.Index(fields=['revoked_at', 'valid_until'], name='credentials_grant_open')]

    def __str__(self):
        return f'{self.grantee_name} → {self.system}'

    def status(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.revoked_at:
            return GrantStatus.REVOKED
        if self.valid_until < today:
            return GrantStatus.EXPIRED
        if self.is_emergency and not self.paperwork_done_at:
            return GrantStatus.PAPERWORK_DUE
        return GrantStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(GrantStatus(self.status()).label)


class RotationRound(models.Model):
    """The rotation of one system in one quarter (SVC-05); unique, so the worker files each once."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name='rotations')
    quarter_start = models.DateField()
    ticket = models.OneToOneField('tickets.Ticket', on_delete=models.PROTECT, related_name='credential_rotation')
    filed_at = models.DateTimeField(null=True, blank=True)  # the new password was filed
    notified_at = models.DateTimeField(null=True, blank=True)  # the user units were told

    class Meta:
        verbose_name = _('password rotation')
        verbose_name_plural = _('password rotations')
        constraints = [
            models.UniqueConstraint(fields=['system', 'quarter_start'], name='credentials_rotation_once_a_quarter')
        ]

    def __str__(self):
        return f'{self.system} {self.quarter_start:%Y-%m}'


class Secret(models.Model):
    """A filed password, encrypted at rest (Fernet; credentials/crypto.py). The newest row of a system is its
    current password. The plaintext never reaches the database, the log or the timeline."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name='secrets')
    ticket = models.ForeignKey('tickets.Ticket', on_delete=models.PROTECT, related_name='+')
    ciphertext = models.TextField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name='+')
    filed_at = models.DateTimeField()

    class Meta:
        verbose_name = _('filed password')
        verbose_name_plural = _('filed passwords')
        ordering = ['-filed_at', '-pk']

    def __str__(self):
        return f'{self.system} @ {self.filed_at:%Y-%m-%d}'


class MonthEndReview(models.Model):
    """SVC-06: the month's applications reviewed at its end; expired grants are closed from the review page."""

    month = models.DateField(unique=True)  # the first day of the month reviewed
    opened_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name='+'
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _('month-end review')
        verbose_name_plural = _('month-end reviews')
        ordering = ['-month']

    def __str__(self):
        return f'{self.month:%Y-%m}'
