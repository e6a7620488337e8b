"""The written inspection report (巡检报告, SVC-11) as a PDF, in Chinese, with billing's font setup: fpdf2 embeds a
subset of Noto Sans SC (billing/pdf.py explains the choice). fpdf2 is imported on first use only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongdan.billing.pdf import FONT, font_path

from .schedule import local_zone

if TYPE_CHECKING:
    from gongdan.tickets.models import Ticket

    from .models import Inspection


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ''


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value, local_zone()).strftime('%Y-%m-%d %H:%M') if value else ''


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut (with …) to fit ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + '…') > width:
        text = text[:-1]
    return text + '…'


def render_inspection_pdf(inspection: Inspection, ticket: Ticket, *, language: str | None = None) -> bytes:
    """The report: plan, inspector, network administrator, slot, every checklist item with its result, severity,
    notes and fault ticket, and the inspector's summary."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _render(inspection, ticket)


def _render(inspection: Inspection, ticket: Ticket) -> bytes:
    from fpdf import FPDF  # imported on first use: fpdf2 and fontTools cost every web worker ~10 MB

    plan = inspection.plan
    pdf = FPDF(format='A4')
    pdf.set_creation_date(timezone.now())
    pdf.set_title(_('System inspection report') + ' ' + ticket.number)
    pdf.set_author('Gongdan')
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, size=18)
    pdf.cell(width, 12, _('System inspection report'), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    pdf.cell(width, 6, _('No. {number}').format(number=ticket.number), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(4)
    facts = [
        (_('Inspection plan'), plan.name),
        (_('Scheduled for'), _when(inspection.slot)),
        (_('Inspector'), _name(plan.inspector)),
        (_('Network administrator'), _name(plan.network_admin)),
        (_('Submitted at'), _when(ticket.updated_at)),
    ]
    pdf.set_font(FONT, size=11)
    for label, value in facts:
        pdf.cell(36, 7, label + _(':'))
        pdf.cell(width - 36, 7, value, new_x='LMARGIN', new_y='NEXT')
    pdf.ln(3)

    columns = [(_('System'), 40), (_('Check'), 70), (_('Result'), 30), (_('Fault'), width - 140)]
    pdf.set_font(FONT, size=9)
    pdf.set_fill_color(233, 238, 245)
    for title, w in columns:
        pdf.cell(w, 8, title, border=1, fill=True)
    pdf.ln()
    checks = list(inspection.checks.select_related('fault_ticket'))
    for check in checks:
        result = str(check.get_result_display())
        if check.severity:
            result += '·' + str(check.get_severity_display())
        values = [
            str(check.get_system_display()),
            check.title,
            result,
            check.fault_ticket.number if check.fault_ticket else '',
        ]
        for (_title, w), value in zip(columns, values, strict=True):
            pdf.cell(w, 8, _fit(pdf, value, w - 2), border=1)
        pdf.ln()
    noted = [c for c in checks if c.notes]
    if noted:
        pdf.ln(3)
        pdf.set_font(FONT, size=11)
        pdf.cell(width, 7, _('Notes') + _(':'), new_x='LMARGIN', new_y='NEXT')
        pdf.set_font(FONT, size=10)
        for check in noted:
            pdf.multi_cell(width, 6, f'{check.title}: {check.notes}', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(4)
    pdf.set_font(FONT, size=11)
    pdf.cell(width, 7, _('Summary') + _(':'), new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(width, 6, ticket.data.get('report_summary', '') or '-', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(6)
    pdf.cell(width / 2, 7, _('Inspector (signature):') + ' ' + _name(plan.inspector))
    pdf.cell(width / 2, 7, _('Filed by:'), new_x='LMARGIN', new_y='NEXT')
    return bytes(pdf.output())
