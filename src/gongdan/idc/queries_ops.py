"""Reads of the IDC day-to-day processes: the server a ticket unracks, the last-server arrears check (IDC-07),
today's working-day status (IDC-09), and a customer's IDC tickets and documents (IDC-11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import HELD_STATUSES, AllocationKind
from .models import Allocation, Device

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.customers.models import Customer
    from gongdan.tickets.models import Attachment, Ticket

# The calendar that says what a working day is (IDC-09 "non-working days").
WORKING_DAY_CALENDAR = 'cn-workday'


@dataclass(frozen=True)
class RackedDevice:
    device: Device | None = None
    allocation: Allocation | None = None
    problem: str | None = None


def racked_device(customer: Customer, key) -> RackedDevice:
    """The customer's device named by ``key`` (serial number, else name) and its held rack placement (IDC-07)."""
    key = str(key or '').strip()
    if not key:
        return RackedDevice(problem=_('Enter the serial number or name of the server to unrack.'))
    devices = Device.objects.filter(customer=customer, is_active=True).filter(Q(serial=key) | Q(name=key))
    device = devices.order_by('-serial').first()
    if device is None:
        return RackedDevice(
            problem=_('Customer {customer} has no server "{key}".').format(customer=_name(customer), key=key)
        )
    allocation = (
        Allocation.objects.filter(device=device, kind=AllocationKind.RACK_UNITS, status__in=HELD_STATUSES)
        .select_related('rack')
        .first()
    )
    if allocation is None:
        return RackedDevice(device=device, problem=_('{device} is not in a rack.').format(device=device.name))
    return RackedDevice(device=device, allocation=allocation)


def _name(customer: Customer) -> str:
    return customer.short_name or customer.name


def last_server_arrears_reason(customer: Customer) -> str | None:
    """IDC-07: why the customer may not unrack now — they have one server (or none) left in the machine rooms
    and are in arrears. None when more servers are left or they are not in arrears."""
    from gongdan.billing.queries import account, month_label

    from .queries import customer_device_count

    if customer_device_count(customer) > 1:
        return None
    found = account(customer)
    if not found.in_arrears:
        return None
    return _(
        'Customer {customer} has only one server left and is in arrears of ¥{amount} (the {month} payment notice '
        'is {days} days overdue): the last server may not be unracked until the arrears are paid.'
    ).format(
        customer=_name(customer),
        amount=f'{found.arrears:,.2f}',
        month=month_label(found.overdue_notice.month),
        days=found.days_overdue,
    )


def local_today() -> dt.date:
    return timezone.localdate()


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day on the center's working-day calendar (statutory holidays and make-up
    workdays included, calendars app)."""
    from gongdan.calendars.queries import get_schedule

    return get_schedule(WORKING_DAY_CALENDAR).day(day).is_working


# --- IDC-11: a customer's work orders, confirmations and authorization letters -------------------------------
# Document kinds by the attachment field that holds the file in the IDC process files. A file attached to an
# IDC ticket without such a field is "other".
DOCUMENT_KINDS = {
    'work_order': gettext_lazy('Work order'),
    'service_confirmation': gettext_lazy('Service confirmation'),
    'authorization_letter': gettext_lazy('Remote operation authorization'),
    'other': gettext_lazy('Other document'),
}
DOCUMENT_FIELDS = {
    'work_order': 'work_order',
    'service_confirmation': 'service_confirmation',
    'service_notice': 'service_confirmation',
    'authorization_letter': 'authorization_letter',
}
IDC_PROCESS_PREFIX = 'idc_'


@dataclass
class Document:
    attachment: Attachment
    kind: str

    @property
    def kind_label(self) -> str:
        return str(DOCUMENT_KINDS[self.kind])


@dataclass
class TicketDocuments:
    ticket: Ticket
    documents: list[Document] = field(default_factory=list)


def document_kind(attachment: Attachment, ticket: Ticket) -> str:
    """The kind of a ticket's file: by the field it was uploaded for, else by the attachment field that lists it."""
    if attachment.field in DOCUMENT_FIELDS:
        return DOCUMENT_FIELDS[attachment.field]
    for key, value in (ticket.data or {}).items():
        if key in DOCUMENT_FIELDS and isinstance(value, list) and attachment.pk in value:
            return DOCUMENT_FIELDS[key]
    return 'other'


def customer_idc_tickets(user: User, customer: Customer):
    """The customer's IDC tickets (every ``idc_*`` process) that ``user`` may see, newest first."""
    from gongdan.tickets.queries import visible_tickets

    return (
        visible_tickets(user)
        .filter(customer=customer, process__key__startswith=IDC_PROCESS_PREFIX)
        .select_related('process', 'process_version')
        .defer('process_version__source', 'process_version__definition')
        .order_by('-created_at', '-id')
    )


def customer_documents(user: User, customer: Customer, kind: str = '') -> list[TicketDocuments]:
    """IDC-11: the customer's IDC tickets with their documents, for disputes later; ``kind`` keeps only the
    tickets holding documents of that kind (and only those documents). Two queries."""
    from gongdan.tickets.models import Attachment
    from gongdan.tickets.queries import sees_internal

    tickets = list(customer_idc_tickets(user, customer))
    files = Attachment.objects.filter(ticket__in=[t.pk for t in tickets]).order_by('created_at', 'id')
    if not sees_internal(user):
        files = files.filter(is_internal=False)
    by_ticket: dict[int, list] = {}
    for attachment in files:
        by_ticket.setdefault(attachment.ticket_id, []).append(attachment)
    rows = []
    for ticket in tickets:
        documents = [Document(a, document_kind(a, ticket)) for a in by_ticket.get(ticket.pk, [])]
        if kind:
            documents = [d for d in documents if d.kind == kind]
            if not documents:
                continue
        rows.append(TicketDocuments(ticket, documents))
    return rows
