"""Customer organisations, their service levels and their contacts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BusinessLine, ServiceStatus


class CustomerLevel(models.Model):
    """A customer level for differentiated service (CRC-01), e.g. VIP / key / standard."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    rank = models.PositiveSmallIntegerField(_('rank'), default=100, help_text=_('Lower ranks are served first.'))

    class Meta:
        ordering = ['rank', 'key']
        verbose_name = _('customer level')
        verbose_name_plural = _('customer levels')

    def __str__(self):
        return self.name


class Customer(models.Model):
    """A customer organisation (客户): an enterprise, a colocation tenant, or an internal department."""

    code = models.SlugField(_('code'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=200)
    short_name = models.CharField(_('short name'), max_length=50, blank=True)
    level = models.ForeignKey(
        CustomerLevel,
        verbose_name=_('level'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='customers',
    )
    account_manager = models.ForeignKey(
        'accounts.User',
        verbose_name=_('account manager'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='managed_customers',
    )
    calendar = models.ForeignKey(
        'calendars.Calendar',
        verbose_name=_('calendar'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='customers',
        help_text=_(
            "Working calendar of this customer's SLA clocks (e.g. 24x7 for a VIP); empty: the team's or the process's."
        ),
    )
    business_line = models.CharField(
        _('business line'),
        max_length=20,
        choices=BusinessLine.choices,
        blank=True,
        help_text=_('IDC-01: colocation or server rental; empty for a customer that is not an IDC customer.'),
    )
    service_status = models.CharField(
        _('service status'), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.FORMAL
    )
    trial_ends_on = models.DateField(
        _('trial ends on'), null=True, blank=True, help_text=_('IDC-01: the last day of the trial period.')
    )
    phone = models.CharField(_('phone'), max_length=40, blank=True)
    address = models.CharField(_('address'), max_length=300, blank=True)
    notes = models.TextField(_('notes'), blank=True)
    is_active = models.BooleanField(_('active'), default=True)
    created_at = models.DateTimeField(_('created'), auto_now_add=True)

    class Meta:
        ordering = ['code']
        verbose_name = _('customer')
        verbose_name_plural = _('customers')

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # IDC-01: a trial has an end; a formal customer has none (the date would read as a pending trial).
        if self.service_status == ServiceStatus.TRIAL and self.trial_ends_on is None:
            raise ValidationError({'trial_ends_on': _('A customer on trial needs the end date of the trial.')})
        if self.service_status == ServiceStatus.FORMAL and self.trial_ends_on is not None:
            raise ValidationError({'trial_ends_on': _('Only a customer on trial has a trial end date.')})


class Contact(models.Model):
    """A named person at a customer; may be linked to a user account for the portal."""

    customer = models.ForeignKey(
        Customer, verbose_name=_('customer'), on_delete=models.CASCADE, related_name='contacts'
    )
    name = models.CharField(_('name'), max_length=100)
    title = models.CharField(_('job title'), max_length=100, blank=True)
    phone = models.CharField(_('phone'), max_length=40, blank=True)
    email = models.EmailField(_('e-mail'), blank=True)
    user = models.OneToOneField(
        'accounts.User',
        verbose_name=_('portal account'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='contact',
    )
    is_primary = models.BooleanField(_('primary contact'), default=False)
    receives_billing = models.BooleanField(
        _('billing contact'),
        default=False,
        help_text=_('IDC-12: gets the monthly payment notice by e-mail (with none, the primary contact does).'),
    )

    class Meta:
        ordering = ['customer', '-is_primary', 'name']
        verbose_name = _('contact')
        verbose_name_plural = _('contacts')

    def __str__(self):
        return f'{self.name} ({self.customer})'
