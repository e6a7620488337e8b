"""The IDC service confirmation (IDC服务确认单) and service notice (IDC服务通知书) as Chinese PDFs (IDC-05).

Same setup as the payment notice (billing/pdf.py): fpdf2 with Noto Sans SC from ``pylopdf-fonts-zh-cn``, a subset
of the font embedded, no system packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongdan.billing.pdf import FONT, font_path

if TYPE_CHECKING:
    from gongdan.tickets.models import Ticket


def _pdf(title: str, ticket: Ticket):
    from fpdf import FPDF  # imported on first use, like billing/pdf.py

    pdf = FPDF(format='A4')
    pdf.set_creation_date(timezone.now())
    pdf.set_title(f'{title} {ticket.number}')
    pdf.set_author('Gongdan')
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(pdf.epw, 12, title, align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    pdf.cell(
        pdf.epw, 6, _('Work order {number}').format(number=ticket.number), align='C', new_x='LMARGIN', new_y='NEXT'
    )
    pdf.ln(4)
    return pdf


def _facts(pdf, ticket: Ticket) -> None:
    kind = ticket.spec.field('order_kind')
    choice = next((c for c in kind.choices if c.value == ticket.data.get('order_kind')), None)
    facts = [
        (_('Customer'), ticket.customer.name if ticket.customer_id else '—'),
        (_('Order type'), choice.label if choice else '—'),
        (_('Service date'), ticket.data.get('service_date') or '—'),
        (_('Issued on'), timezone.localdate().isoformat()),
    ]
    pdf.set_font(FONT, size=11)
    for label, value in facts:
        pdf.cell(32, 7, label + _(':'))
        pdf.cell(pdf.epw - 32, 7, str(value), new_x='LMARGIN', new_y='NEXT')
    pdf.ln(3)


def _resources(pdf, lines: list[str]) -> None:
    pdf.set_font(FONT, size=11)
    pdf.set_fill_color(233, 238, 245)
    pdf.cell(pdf.epw, 8, _('Resources'), border=1, fill=True, new_x='LMARGIN', new_y='NEXT')
    for line in lines or [_('(no resources held)')]:
        pdf.multi_cell(pdf.epw, 8, line, border=1, new_x='LMARGIN', new_y='NEXT')
    pdf.ln(4)


def render_service_confirmation(ticket: Ticket, lines: list[str], *, language: str | None = None) -> bytes:
    """The confirmation the customer checks (times and resources), stamps and returns (IDC-05)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        pdf = _pdf(_('IDC service confirmation'), ticket)
        _facts(pdf, ticket)
        _resources(pdf, lines)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(
            pdf.epw,
            6,
            _(
                'Please check the service date and the resources above. If they are correct, stamp this '
                'confirmation with the company seal and return it to the service center.'
            ),
        )
        pdf.ln(14)
        pdf.cell(pdf.epw / 2, 8, _('Customer (seal):'))
        pdf.cell(pdf.epw / 2, 8, _('Date:'), new_x='LMARGIN', new_y='NEXT')
        return bytes(pdf.output())


def render_service_notice(ticket: Ticket, lines: list[str], *, language: str | None = None) -> bytes:
    """The notice telling the customer the service is in place and how to reach the service center (IDC-05)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        pdf = _pdf(_('IDC service notice'), ticket)
        _facts(pdf, ticket)
        _resources(pdf, lines)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(
            pdf.epw,
            6,
            _(
                'Your hosting service is in place. Give 2-4 hours notice for racking, 1-2 hours for entering the '
                'machine room; report faults to the service center with the faulty IP address and the symptom.'
            ),
        )
        return bytes(pdf.output())
