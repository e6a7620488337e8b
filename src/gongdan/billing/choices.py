"""Choices of the billing app (stored values are slugs)."""

from django.utils.translation import gettext_lazy as _

from gongdan.utilities.choices import ChoiceSet


class ContractStatus(ChoiceSet):
    """A contract is billed while active; a terminated one is billed up to its (moved) end date."""

    DRAFT = 'draft', _('Draft')
    ACTIVE = 'active', _('Active')
    TERMINATED = 'terminated', _('Terminated')


ContractStatus._colors = {'draft': 'secondary', 'active': 'green', 'terminated': 'red'}
BILLED_CONTRACT_STATUSES = (ContractStatus.ACTIVE, ContractStatus.TERMINATED)


class FeeKind(ChoiceSet):
    """IDC-12: the monthly fee lines of a hosting contract."""

    RACK = 'rack', _('Rack')
    BANDWIDTH = 'bandwidth', _('Bandwidth')
    IP = 'ip', _('IP addresses')
    POWER = 'power', _('Power')
    OTHER = 'other', _('Other')


class EntryKind(ChoiceSet):
    """Kinds of account ledger entries. Amounts are signed from the customer's side: a charge is negative, a
    payment positive, an adjustment either."""

    CHARGE = 'charge', _('Charge')
    PAYMENT = 'payment', _('Payment')
    ADJUSTMENT = 'adjustment', _('Adjustment')


EntryKind._colors = {'charge': 'orange', 'payment': 'green', 'adjustment': 'azure'}


class PaymentMethod(ChoiceSet):
    BANK_TRANSFER = 'bank_transfer', _('Bank transfer')
    CASH = 'cash', _('Cash')
    CHEQUE = 'cheque', _('Cheque')
    ALIPAY = 'alipay', _('Alipay')
    WECHAT = 'wechat', _('WeChat Pay')
    OTHER = 'other', _('Other')
