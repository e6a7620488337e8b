"""The grants ledger as an Excel file (SVC-04)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def _local(value) -> str:
    return timezone.localtime(value).strftime('%Y-%m-%d %H:%M') if value else ''


def grant_rows(grants) -> tuple[list[str], list[list]]:
    header = [
        pgettext('credentials', 'Application'), _('System'), _('Grantee'), _('Staff'), _('Access level'),
        _('Granted by'), _('Granted at'), _('Valid until'), _('Emergency grant'), _('Paperwork completed'),
        _('Status'), _('Closed at'), _('Why closed'),
    ]  # fmt: skip
    return header, [_row(g) for g in grants]


def _row(g) -> list:
    return [
        g.ticket.number, g.system.name, g.grantee_name, str(g.get_staff_kind_display()), g.access_level,
        str(g.granted_by), _local(g.granted_at), g.valid_until.isoformat(), _('yes') if g.is_emergency else '',
        _local(g.paperwork_done_at), g.get_status_display(), _local(g.revoked_at), g.revoke_reason,
    ]  # fmt: skip


def grants_xlsx(grants) -> bytes:
    from openpyxl import Workbook

    header, rows = grant_rows(grants)
    book = Workbook()
    sheet = book.active
    sheet.title = _('Grants')[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
