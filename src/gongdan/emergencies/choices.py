"""Choice sets of the emergencies app: the CSC-01 criteria, the emergency's life, the sides of the contact list."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyCriterion(models.TextChoices):
    """CSC-01: an emergency (紧急事件) is any event affecting the network's function that may have serious
    consequences; the manual lists these twelve. The divisions may refine them for their products (the manual:
    各事业部可以细分相关定义), which is a new member here plus its Chinese in the catalogue — the stored values
    are slugs, so refinements never rewrite old records."""

    CAPACITY_LOST = 'capacity_lost', _('Total loss of processing capacity (call processing, data transfer)')
    NETWORK_SEVERELY_AFFECTED = 'network_severely_affected', _('Network operation severely affected')
    KEY_CAPABILITY_LOST = 'key_capability_lost', _('Loss of a key security or key business capability')
    MAJOR_RECURRENCE = 'major_recurrence', _('A recurring fault amounting to a major incident')
    BEYOND_SLA_MANY_AFFECTED = (
        'beyond_sla_many_affected',
        _('Beyond the SLA with many circuits, channels or users affected'),
    )
    MANY_USER_COMPLAINTS = 'many_user_complaints', _('Part of the system out of service, many user complaints')
    BILLING_LOST = 'billing_lost', _('Billing lost (call records lost, revenue lost)')
    NO_MAINTENANCE_ACCESS = 'no_maintenance_access', _('No access for maintenance or recovery, major alarms lost')
    VIP_AFFECTED = 'vip_affected', _('A VIP affected (government, large enterprise, bank, stock exchange)')
    EMERGENCY_NUMBERS = 'emergency_numbers', _('Emergency numbers interrupted (ambulance, fire, police)')
    MEDIA = 'media', _('Media involved or likely to be')
    CUSTOMER_URGENT = 'customer_urgent', _('The customer deems it urgent')


class EmergencyStatus(models.TextChoices):
    """declared → confirmed (a Red Flag is open) → resolved (service restored) → closed (quality accepted the
    post-incident report); or declared → rejected (the engineering manager saw no emergency). CSC-02."""

    DECLARED = 'declared', _('Declared, awaiting confirmation')
    CONFIRMED = 'confirmed', _('Red Flag')
    REJECTED = 'rejected', _('Not an emergency')
    RESOLVED = 'resolved', _('Restored, report due')
    CLOSED = 'closed', _('Closed')


# An emergency in these states blocks a second declaration on the same ticket.
ACTIVE_STATUSES = (EmergencyStatus.DECLARED, EmergencyStatus.CONFIRMED, EmergencyStatus.RESOLVED)
# A Red Flag in these states is on every agent's screen (until quality closes it, CSC-02).
BANNER_STATUSES = (EmergencyStatus.CONFIRMED, EmergencyStatus.RESOLVED)

STATUS_COLORS = {
    'declared': 'orange',
    'confirmed': 'red',
    'rejected': 'secondary',
    'resolved': 'yellow',
    'closed': 'green',
}


class ContactSide(models.TextChoices):
    """CSC-05: each side keeps a 24-hour list of named interface people (the manual: the branch's on-site case
    owners, the product division's overall and per-product-line interface people, the CSC's duty staff)."""

    CSC = 'csc', _('Customer service center (CSC)')
    BRANCH = 'branch', _('Branch office (L1)')
    PRODUCT_DIVISION = 'product_division', _('Product division (BD/TAC, L2/L3)')
    QUALITY = 'quality', _('Quality (CSQ)')
    MANAGEMENT = 'management', _('Management')
    CUSTOMER = 'customer', _('Customer')
