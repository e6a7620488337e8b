"""Choice sets of the tickets app: slug values, translated labels, Tabler colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    P1 = 'p1', _('P1 Critical')
    P2 = 'p2', _('P2 High')
    P3 = 'p3', _('P3 Medium')
    P4 = 'p4', _('P4 Low')


PRIORITY_COLORS = {'p1': 'red', 'p2': 'orange', 'p3': 'blue', 'p4': 'secondary'}


class Level(models.TextChoices):
    """Urgency and impact levels of the priority matrix."""

    HIGH = 'high', _('High')
    MEDIUM = 'medium', _('Medium')
    LOW = 'low', _('Low')


class Channel(models.TextChoices):
    PHONE = 'phone', _('Phone')
    EMAIL = 'email', _('E-mail')
    PORTAL = 'portal', _('Portal')
    API = 'api', _('API')
    INTERNAL = 'internal', _('Internal')


class SupportLevel(models.TextChoices):
    L1 = 'l1', _('L1')
    L2 = 'l2', _('L2')
    L3 = 'l3', _('L3')


class EventKind(models.TextChoices):
    CREATED = 'created', _('Created')
    TRANSITIONED = 'transitioned', _('State changed')
    ASSIGNED = 'assigned', _('Assigned')
    FIELDS_CHANGED = 'fields_changed', _('Fields changed')
    COMMENTED = 'commented', _('Comment')
    ATTACHMENT_ADDED = 'attachment_added', _('Attachment added')
    WATCHER_ADDED = 'watcher_added', _('Watcher added')
    WATCHER_REMOVED = 'watcher_removed', _('Watcher removed')
    APPROVAL_REQUESTED = 'approval_requested', _('Approval requested')
    APPROVAL_DECIDED = 'approval_decided', _('Approval decided')
    SLA_WARNING = 'sla_warning', _('SLA warning')
    SLA_BREACHED = 'sla_breached', _('SLA deadline passed')
    SLA_ESCALATED = 'sla_escalated', _('Escalated')
    EMERGENCY = 'emergency', _('Emergency')  # CSC-01/CSC-02: declared, confirmed, rejected, restored, closed
    SECRET_VIEWED = 'secret_viewed', _('Filed password shown')  # SVC-01: every showing is in the timeline
