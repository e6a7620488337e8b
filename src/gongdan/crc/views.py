"""Staff pages of the response center: the resource-check ledger (CRC-04, /crc/resource-checks/) and the circuit
ledger (CRC-05, /crc/circuits/), filterable, ``?format=xlsx`` for Excel. Read-only: the ledgers are written by the
processes' actions. Customers get 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.customers.models import Customer

from . import exports, queries
from .constants import RESOURCE_CHECK_PROCESS

MAX_ROWS = 2000


def _staff(request) -> None:
    if not queries.is_staff_user(request.user):
        raise Http404


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str):
    return int(value) if value and value.isdigit() else None


def _download(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX)
    response['Content-Disposition'] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@login_required
def resource_check_ledger(request):
    """CRC-04: every resource check, its departments' answers and the center's conclusion."""
    _staff(request)
    get = request.GET
    flt = queries.LedgerFilter(
        customer=_int(get.get('customer', '')),
        feasibility=get.get('feasibility', ''),
        state=get.get('state', ''),
        since=_date(get.get('since', '')),
        until=_date(get.get('until', '')),
        q=get.get('q', '').strip(),
    )
    labels = queries.Labels(queries.process_spec(RESOURCE_CHECK_PROCESS))
    tickets = list(queries.resource_check_ledger(request.user, flt)[:MAX_ROWS])
    header, rows = exports.ledger_rows(tickets, labels)
    if get.get('format') == 'xlsx':
        return _download(exports.xlsx(_('Resource-check ledger'), header, rows), 'resource-checks')
    context = {
        'header': header,
        'rows': list(zip(tickets, rows, strict=True)),
        'flt': flt,
        'customers': Customer.objects.filter(is_active=True).order_by('code'),
        'feasibilities': labels.choices('feasibility') if labels.spec else [],
        'states': labels.states(),
        'query': get.urlencode(),
    }
    return render(request, 'crc/resource_check_ledger.html', context)


@login_required
def circuit_ledger(request):
    """CRC-05: the circuit ledger, kept by the completed provisioning orders."""
    _staff(request)
    get = request.GET
    customer, q = _int(get.get('customer', '')), get.get('q', '').strip()
    circuits = list(queries.circuit_ledger(request.user, customer=customer, q=q)[:MAX_ROWS])
    header, rows = exports.circuit_rows(circuits)
    if get.get('format') == 'xlsx':
        return _download(exports.xlsx(_('Circuit ledger'), header, rows), 'circuits')
    context = {
        'header': header,
        'rows': list(zip(circuits, rows, strict=True)),
        'customer': customer,
        'q': q,
        'customers': Customer.objects.filter(is_active=True).order_by('code'),
        'query': get.urlencode(),
    }
    return render(request, 'crc/circuit_ledger.html', context)
