from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    GO_LIVE = 'go_live', _('System go-live')
    OFFLINE = 'offline', _('System offline')
    MAINTENANCE = 'maintenance', _('Maintenance')
    OTHER = 'other', _('Other service information')


class NoticeAudience(models.TextChoices):
    """Who a notice is for (SD-01). Staff see every notice; a customer only those addressed to them."""

    AGENTS = 'agents', _('All agents')
    ALL_CUSTOMERS = 'all_customers', _('All customers')
    SELECTED_CUSTOMERS = 'selected_customers', _('Selected customers')
    EVERYONE = 'everyone', _('Agents and all customers')


CUSTOMER_AUDIENCES = (NoticeAudience.ALL_CUSTOMERS, NoticeAudience.EVERYONE)
