"""The complaint report as an Excel file (SVC-10)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.templatetags.gongdan import localized

from .queries import Report, local_zone

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'


def _sheets(report: Report) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of each sheet: the summary figures and the complaints."""
    rate = report.satisfaction_rate
    figures = [
        [_('Period'), f'{report.start} – {report.end}'],
        [_('Complaints'), report.total],
        [_('Handled and filed'), report.handled],
        [_('Average handling time (hours)'), report.average_handling_hours if report.average_handling_hours else ''],
        [_('Satisfied'), report.satisfied],
        [_('Not satisfied'), report.dissatisfied],
        [_('Satisfaction rate (%)'), rate if rate is not None else ''],
    ]
    figures += [[_('Category'), localized(label, 'label'), n] for label, n in report.by_category]
    figures += [[_('Severity'), localized(label, 'label'), n] for label, n in report.by_severity]
    figures += [[_('Department'), name, n] for name, n in report.by_department]
    zone = local_zone()
    rows = [
        [
            row['ticket'].number,
            timezone.localtime(row['ticket'].created_at, zone).strftime('%Y-%m-%d %H:%M'),
            row['ticket'].title,
            row['ticket'].customer.name if row['ticket'].customer else '',
            localized(row['category'], 'label'),
            localized(row['severity'], 'label'),
            row['department'],
            localized(row['state'], 'title'),
            row['handling_hours'] if row['handling_hours'] is not None else '',
            localized(row['satisfied'], 'label') if row['satisfied'] else '',
        ]
        for row in report.rows
    ]
    header = [
        _('Number'),
        _('Recorded at'),
        _('Title'),
        _('Customer'),
        _('Category'),
        _('Severity'),
        _('Department'),
        _('State'),
        _('Handling time (hours)'),
        _('Satisfaction'),
    ]
    return [(_('Summary'), [_('Figure'), _('Value'), ''], figures), (_('Complaints'), header, rows)]


def report_file(report: Report) -> tuple[bytes, str, str]:
    """(content, content type, file extension) of the report."""
    # Imported when a report is exported, not with the views: openpyxl would cost every web worker memory.
    import openpyxl

    sheets = _sheets(report)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), XLSX, 'xlsx'
