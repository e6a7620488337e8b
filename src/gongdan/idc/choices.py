"""Choices of the idc app (stored values are slugs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    """What a device in a rack is."""

    SERVER = 'server', _('Server')
    SWITCH = 'switch', _('Switch')
    FIREWALL = 'firewall', _('Firewall')
    STORAGE = 'storage', _('Storage')
    PDU = 'pdu', _('PDU')
    OTHER = 'other', _('Other')


class AllocationKind(models.TextChoices):
    """The resources IDC-02/IDC-05 hand out: rack position, IP address, uplink port."""

    RACK_UNITS = 'rack_units', _('Rack units')
    IP_ADDRESS = 'ip_address', _('IP address')
    UPLINK_PORT = 'uplink_port', _('Uplink port')


class AllocationStatus(models.TextChoices):
    """reserved → active → released (IDC-05: allocated, in service, freed on termination)."""

    RESERVED = 'reserved', _('Reserved')
    ACTIVE = 'active', _('Active')
    RELEASED = 'released', _('Released')


HELD_STATUSES = (AllocationStatus.RESERVED, AllocationStatus.ACTIVE)

ALLOCATION_COLORS = {'reserved': 'orange', 'active': 'green', 'released': 'secondary'}


class ContractStatus(models.TextChoices):
    ACTIVE = 'active', _('Active')
    ENDED = 'ended', _('Ended')
