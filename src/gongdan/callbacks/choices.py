"""Slug choices of callbacks (SVC-09, SD-05)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallbackStatus(models.TextChoices):
    PENDING = 'pending', _('To call back')
    DONE = 'done', _('Called back')
    FAILED = 'failed', _('No callback possible')
    CANCELLED = 'cancelled', _('Cancelled')


class CallbackSource(models.TextChoices):
    AFTER_CLOSE = 'after_close', _('After closing')  # SD-05: the agent calls back every fixed ticket
    CAMPAIGN = 'campaign', _('Campaign sample')  # SVC-09: a random sample of a callback campaign


class Rating(models.TextChoices):
    GOOD = 'good', _('Good')
    FAIR = 'fair', _('Fair')
    POOR = 'poor', _('Poor')


class CallbackChannel(models.TextChoices):
    PHONE = 'phone', _('Phone')
    EMAIL = 'email', _('E-mail')


class Stratum(models.TextChoices):
    """What a campaign's random sample is stratified by (SVC-09)."""

    TEAM = 'team', _('Resolver group')
    ENGINEER = 'engineer', _('Engineer')
    CUSTOMER_LEVEL = 'customer_level', _('Customer level')


class LowScoreAction(models.TextChoices):
    """What a low satisfaction score does (configured per campaign, or in the callback setting)."""

    NONE = 'none', _('Record only')
    REOPEN = 'reopen', _('Reopen the ticket (a complaint when it cannot be reopened)')
    COMPLAINT = 'complaint', _('Open a complaint')


class FollowUp(models.TextChoices):
    NONE = '', _('None')
    REOPENED = 'reopened', _('Ticket reopened')
    COMPLAINT = 'complaint', _('Complaint opened')
