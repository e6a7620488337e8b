"""Users, the organisation tree, roles as data and resolver teams.

The organisation tree answers "who is the superior of X" (IDC-03, IDC-04, IDC-09, CRC-07): a user's
superior is the head of their organisation unit, or, when they head it themselves, the head of the
nearest ancestor unit that has a different head. An explicit ``User.manager`` overrides the tree.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketScope(models.TextChoices):
    """How far a role lets its holder see tickets (applied by tickets.queries.visible_tickets)."""

    ALL = 'all', _('All tickets')
    TEAM = 'team', _("Own teams' tickets")
    OWN = 'own', _('Own tickets only')
    CUSTOMER = 'customer', _("Own organisation's tickets")


class Role(models.Model):
    """A role held by users; processes name roles by ``key`` (data, not code)."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    name_en = models.CharField(_('English name'), max_length=100, blank=True)
    description = models.TextField(_('description'), blank=True)
    ticket_scope = models.CharField(
        _('ticket visibility'), max_length=20, choices=TicketScope.choices, default=TicketScope.TEAM
    )
    is_staff_role = models.BooleanField(
        _('internal staff role'), default=True, help_text=_('False for roles held by customer contacts.')
    )

    class Meta:
        ordering = ['key']
        verbose_name = _('role')
        verbose_name_plural = _('roles')

    def __str__(self):
        return self.name


class OrgUnit(models.Model):
    """A unit of the service organisation: company, department, center or office (a tree)."""

    class Kind(models.TextChoices):
        COMPANY = 'company', _('Company')
        DEPARTMENT = 'department', _('Department')
        CENTER = 'center', _('Center')
        OFFICE = 'office', _('Office')

    code = models.SlugField(_('code'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    kind = models.CharField(_('kind'), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        'self', verbose_name=_('parent unit'), null=True, blank=True, on_delete=models.PROTECT, related_name='children'
    )
    head = models.ForeignKey(
        'accounts.User',
        verbose_name=_('head'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='headed_units',
    )

    class Meta:
        ordering = ['code']
        verbose_name = _('organisation unit')
        verbose_name_plural = _('organisation units')

    def __str__(self):
        return self.name

    def ancestors(self):
        """This unit's ancestors, nearest first (cycle-safe)."""
        seen, unit = {self.pk}, self.parent
        while unit is not None and unit.pk not in seen:
            yield unit
            seen.add(unit.pk)
            unit = unit.parent


class User(AbstractUser):
    """A person who logs in: staff of the service organisation, or a customer contact.

    A customer contact is a user bound to exactly one customer organisation (``customer``); such a user
    sees only that organisation's tickets and never internal notes.
    """

    display_name = models.CharField(_('display name'), max_length=100, blank=True)
    phone = models.CharField(_('phone'), max_length=40, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_('organisation unit'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='members',
    )
    manager = models.ForeignKey(
        'self',
        verbose_name=_('superior (override)'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='reports',
        help_text=_('Leave empty to use the head of the organisation unit.'),
    )
    customer = models.ForeignKey(
        'customers.Customer',
        verbose_name=_('customer organisation'),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name='users',
    )
    roles = models.ManyToManyField(Role, verbose_name=_('roles'), blank=True, related_name='users')

    class Meta:
        ordering = ['username']
        verbose_name = _('user')
        verbose_name_plural = _('users')

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_customer_contact(self) -> bool:
        return self.customer_id is not None

    def role_keys(self) -> frozenset[str]:
        """The keys of this user's roles, cached per instance (checked many times per request)."""
        cached = getattr(self, '_role_keys', None)
        if cached is None:
            cached = frozenset(self.roles.values_list('key', flat=True))
            if self.is_superuser:
                cached = cached | {'administrator'}
            self._role_keys = cached
        return cached

    def has_role(self, *keys: str) -> bool:
        return bool(self.role_keys() & set(keys))

    def superior(self) -> 'User | None':
        """The superior of this user: the explicit manager, else the head of the nearest unit not headed by them."""
        if self.manager_id:
            return self.manager
        unit = self.org_unit
        if unit is None:
            return None
        for candidate in (unit, *unit.ancestors()):
            if candidate.head_id and candidate.head_id != self.pk:
                return candidate.head
        return None


class Team(models.Model):
    """A resolver group (处理组), e.g. the four ops groups of SD-03; teams are data, not code."""

    key = models.SlugField(_('key'), max_length=50, unique=True)
    name = models.CharField(_('name'), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_('organisation unit'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='teams',
    )
    duty_lead = models.ForeignKey(
        User, verbose_name=_('duty lead'), null=True, blank=True, on_delete=models.SET_NULL, related_name='led_teams'
    )
    members = models.ManyToManyField(User, verbose_name=_('members'), blank=True, related_name='teams')
    email = models.EmailField(_('team e-mail'), blank=True)
    calendar = models.ForeignKey(
        'calendars.Calendar',
        verbose_name=_('calendar'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='teams',
        help_text=_("Working calendar of the SLA clocks of this team's tickets; empty: the process's."),
    )
    is_active = models.BooleanField(_('active'), default=True)
    # Round-robin assignment remembers whom it picked last so the next ticket goes to the next member.
    last_assigned = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name='+', editable=False
    )

    class Meta:
        ordering = ['key']
        verbose_name = _('team')
        verbose_name_plural = _('teams')

    def __str__(self):
        return self.name
