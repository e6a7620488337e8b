from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessType(models.TextChoices):
    """SVC-01: remote access (SSH, FTP, web, databases) and local access (console, serial line, storage panel)."""

    SSH = 'ssh', _('SSH')
    FTP = 'ftp', _('FTP')
    WEB = 'web', _('Web')
    DATABASE = 'database', _('Database (MySQL/Oracle)')
    CONSOLE = 'console', _('Server console')
    SERIAL = 'serial', _('Firewall serial line')
    PANEL = 'panel', _('Storage array panel')


LOCAL_ACCESS = {AccessType.CONSOLE, AccessType.SERIAL, AccessType.PANEL}


class StaffKind(models.TextChoices):
    """SVC-01/SVC-02: internal staff and partner/operator administrators sign different agreements."""

    INTERNAL = 'internal', _('Internal staff')
    OPERATOR = 'operator', _('Operator or partner staff')


class GrantStatus(models.TextChoices):
    ACTIVE = 'active', _('Active')
    PAPERWORK_DUE = 'paperwork_due', _('Paperwork due')
    EXPIRED = 'expired', _('Expired, to close')
    REVOKED = 'revoked', _('Closed')
