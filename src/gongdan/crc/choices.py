"""Slug choices of the response center's records."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckFormStatus(models.TextChoices):
    SENT = 'sent', _('Waiting for the answer')
    ANSWERED = 'answered', _('Answered')


class Feasibility(models.TextChoices):
    """CRC-04: whether the department (and, at the end, the center) can meet the requirement."""

    YES = 'yes', _('Can be met')
    PARTLY = 'partly', _('Can be met in part')
    NO = 'no', _('Cannot be met')


class ExtensionOutcome(models.TextChoices):
    """CRC-05: what became of an extension request."""

    GRANTED = 'granted', _('Granted: the step is paused for the customer')
    REFUSED_LATE = 'refused_late', _('Refused: asked after the deadline (counted overdue)')
    REFUSED_CAUSE = 'refused_cause', _('Refused: the delay is not caused by the customer')


class CircuitStatus(models.TextChoices):
    IN_SERVICE = 'in_service', _('In service')
    CEASED = 'ceased', _('Ceased')
