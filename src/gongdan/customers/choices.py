"""Choices of the customers app (stored values are slugs)."""

from django.utils.translation import gettext_lazy as _

from gongdan.utilities.choices import ChoiceSet


class BusinessLine(ChoiceSet):
    """IDC-01: the two IDC business lines. Empty on a customer that is not an IDC customer."""

    COLOCATION = 'colocation', _('Colocation')
    RENTAL = 'rental', _('Server rental')


BusinessLine._colors = {'colocation': 'blue', 'rental': 'purple'}


class ServiceStatus(ChoiceSet):
    """IDC-01: a new customer starts on trial (测试) and becomes formal (转正)."""

    TRIAL = 'trial', _('Trial')
    FORMAL = 'formal', _('Formal')


ServiceStatus._colors = {'trial': 'orange', 'formal': 'green'}
