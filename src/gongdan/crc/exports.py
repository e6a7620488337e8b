"""The response center's ledgers as Excel files (CRC-04 resource-check ledger, CRC-05 circuit ledger)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def _local(value) -> str:
    return timezone.localtime(value).strftime('%Y-%m-%d %H:%M') if value else ''


def ledger_rows(tickets, spec_labels) -> tuple[list[str], list[list]]:
    """(header, rows) of the resource-check ledger: one row per check, the departments' answers in one cell."""
    header = [
        _('Number'), _('Raised at'), _('Title'), _('Customer'), _('Service'), _('Site address'), _('State'),
        _('Departments'), _('Answers'), _('Reminders'), _('Conclusion'), _('Answer to the customer department'),
    ]  # fmt: skip
    rows = []
    for ticket in tickets:
        forms = list(ticket.check_forms.all())
        data = ticket.data
        rows.append(
            [
                ticket.number,
                _local(ticket.created_at),
                ticket.title,
                ticket.customer.name if ticket.customer_id else '',
                spec_labels.choice('service_type', data.get('service_type', '')),
                data.get('site_address', ''),
                spec_labels.state(ticket.state),
                '、'.join(f.team.name for f in forms),
                '；'.join(
                    f'{f.team.name}：{f.get_feasibility_display()} {f.answer}'.strip()
                    if f.answered_at
                    else f'{f.team.name}：{_("waiting")}'
                    for f in forms
                ),
                sum(f.reminders for f in forms),
                spec_labels.choice('feasibility', data.get('feasibility', '')),
                data.get('conclusion', ''),
            ]
        )
    return header, rows


def circuit_rows(circuits) -> tuple[list[str], list[list]]:
    header = [
        _('Circuit number'), _('Customer'), _('Service'), _('Bandwidth'), _('A end'), _('Z end'), _('Dispatch role'),
        _('Status'), _('Provisioning order'), _('Completed at'),
    ]  # fmt: skip
    rows = [
        [
            c.circuit_id,
            c.customer.name if c.customer_id else '',
            c.service_type,
            c.bandwidth,
            c.a_end,
            c.z_end,
            c.dispatch_role,
            str(c.get_status_display()),
            c.order.number if c.order_id else '',
            _local(c.completed_at),
        ]
        for c in circuits
    ]
    return header, rows


def xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    # Imported when a ledger is exported, not with the views: openpyxl would cost every web worker memory.
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(title)[:31]
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
