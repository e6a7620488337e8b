"""The repair/maintenance work order (维修维护单, SD-04) as a PDF, in Chinese, two copies: customer and service.

SD-05: "when onsite work is needed, an electronic work order is generated and printed in two copies, taken onsite,
signed by the customer and registered on return". The same fpdf2 + Noto Sans SC setup as the payment notice
(billing/pdf.py): fpdf2 is imported only when a work order is made (utilities/tests/test_startup.py), the font
is the one of ``pylopdf-fonts-zh-cn`` and only the glyphs used are embedded.

Page 1 is the customer copy (客户联), page 2 the service copy (服务联); both carry every SD-04 field: reporting
unit, report time, reporter, phone, repairing unit, repair time, kind, equipment description, handling, test
result, remarks, the parts table (name, model, unit, quantity, remarks) and the two signatures. A signature
drawn on the pad is printed in the reporting unit's box; otherwise the box stays empty for the pen.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongdan.billing.pdf import FONT, font_path
from gongdan.utilities.templatetags.gongdan import localized

if TYPE_CHECKING:
    from gongdan.tickets.models import Ticket

# The language of the printed form: the customer signs a Chinese paper (SD-04).
LANGUAGE = 'zh-hans'


def _when(raw: Any) -> str:
    """An ISO date-time of Ticket.data (or a datetime) as local 2026-12-02 14:30; '' when empty."""
    when = parse_datetime(raw) if isinstance(raw, str) else raw
    if not isinstance(when, dt.datetime):
        return ''
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return timezone.localtime(when).strftime('%Y-%m-%d %H:%M')


def _choice(spec, key: str, value) -> str:
    if not value:
        return ''
    for choice in spec.field(key).choices:
        if choice.value == value:
            return localized(choice, 'label')
    return str(value)


def _label(spec, key: str) -> str:
    return localized(spec.field(key), 'label')


def form_rows(ticket: Ticket, *, engineer_name: str = '') -> list[tuple[str, str]]:
    """The SD-04 header fields of the form, in its order, as (label, printed value)."""
    spec, data = ticket.spec, ticket.data
    return [
        (_label(spec, 'reporter_unit'), data.get('reporter_unit') or (ticket.customer.name if ticket.customer else '')),
        (_('Report time'), _when(data.get('occurred_at')) or _when(ticket.created_at)),
        (_label(spec, 'reporter_name'), data.get('reporter_name', '')),
        (_label(spec, 'reporter_phone'), data.get('reporter_phone', '')),
        (_label(spec, 'repair_unit'), data.get('repair_unit', '')),
        (_label(spec, 'repair_time'), _when(data.get('repair_time'))),
        (_label(spec, 'repair_kind'), _choice(spec, 'repair_kind', data.get('repair_kind'))),
        (_label(spec, 'test_result'), _choice(spec, 'test_result', data.get('test_result'))),
        (_('Repair engineer'), engineer_name),
    ]


def render_work_order_pdf(ticket: Ticket, *, engineer_name: str = '', signature_png: bytes | None = None) -> bytes:
    """Both copies of the work order of ``ticket`` (customer copy, then service copy), as PDF bytes."""
    with translation.override(LANGUAGE):
        return _render(ticket, engineer_name, signature_png)


def _render(ticket: Ticket, engineer_name: str, signature_png: bytes | None) -> bytes:
    from fpdf import FPDF  # imported on first use: fpdf2 and fontTools cost every web worker ~10 MB

    pdf = FPDF(format='A4')
    pdf.set_creation_date(ticket.updated_at.astimezone(dt.UTC))
    pdf.set_title(_('Repair and maintenance form') + ' ' + ticket.number)
    pdf.set_author('Gongdan')
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=15)
    for copy in (_('Customer copy'), _('Service copy')):
        _page(pdf, ticket, copy, engineer_name, signature_png)
    return bytes(pdf.output())


def _page(pdf, ticket: Ticket, copy: str, engineer_name: str, signature_png: bytes | None) -> None:
    spec, data = ticket.spec, ticket.data
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FONT, size=18)
    pdf.cell(width, 11, _('Repair and maintenance form'), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    pdf.cell(width / 2, 6, _('No. {number}').format(number=ticket.number))
    pdf.cell(width / 2, 6, copy, align='R', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(2)

    # Header fields two per line, in bordered cells.
    label_w, value_w = 28, width / 2 - 28
    rows = form_rows(ticket, engineer_name=engineer_name)
    pdf.set_font(FONT, size=10)
    for index in range(0, len(rows), 2):
        for label, value in rows[index : index + 2]:
            pdf.set_fill_color(233, 238, 245)
            pdf.cell(label_w, 8, label, border=1, fill=True)
            pdf.cell(value_w, 8, value[:30], border=1)
        pdf.ln()

    # The long texts, each a bordered block.
    blocks = [
        ('equipment_description', data.get('equipment_description', '')),
        ('handling', data.get('handling', '')),
        ('repair_remarks', data.get('repair_remarks', '')),
    ]
    for key, text in blocks:
        pdf.set_fill_color(233, 238, 245)
        pdf.cell(width, 7, _label(spec, key), border=1, fill=True, new_x='LMARGIN', new_y='NEXT')
        pdf.multi_cell(width, 6, text or ' ', border=1, new_x='LMARGIN', new_y='NEXT')

    # The parts table (SD-04: name, model, unit, quantity, remarks).
    pdf.ln(2)
    pdf.cell(width, 7, _label(spec, 'parts'), new_x='LMARGIN', new_y='NEXT')
    columns = spec.field('parts').columns
    widths = {'name': 50, 'model': 45, 'unit': 20, 'quantity': 20}
    col_widths = [widths.get(c.key, width - sum(widths.values())) for c in columns]
    pdf.set_fill_color(233, 238, 245)
    for col, w in zip(columns, col_widths, strict=True):
        pdf.cell(w, 7, localized(col, 'label'), border=1, fill=True, align='C')
    pdf.ln()
    parts = data.get('parts') or []
    for row in parts or [{}, {}]:  # an empty form keeps two blank lines to write in
        for col, w in zip(columns, col_widths, strict=True):
            value = row.get(col.key)
            pdf.cell(
                w, 7, '' if value is None else str(value)[:28], border=1, align='R' if col.key == 'quantity' else 'L'
            )
        pdf.ln()

    # Signatures: the reporting unit's (drawn on the pad, or left for the pen) and the repairer's.
    pdf.ln(4)
    top = pdf.get_y()
    half = width / 2
    pdf.cell(half, 7, _('Signature of the reporting unit'), border='LTR')
    pdf.cell(half, 7, _('Signature of the repairer'), border='LTR', new_x='LMARGIN', new_y='NEXT')
    pdf.cell(half, 28, '', border='LBR')
    pdf.cell(half, 28, engineer_name, border='LBR', align='C', new_x='LMARGIN', new_y='NEXT')
    if signature_png:
        pdf.image(io.BytesIO(signature_png), x=pdf.l_margin + 4, y=top + 8, h=26, keep_aspect_ratio=True, w=half - 8)
    signer = data.get('customer_signer')
    if signer:
        pdf.set_font(FONT, size=9)
        pdf.cell(width, 6, _('Signed by {name}').format(name=signer), new_x='LMARGIN', new_y='NEXT')
