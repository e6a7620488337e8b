"""The payment notice as a PDF (IDC缴费通知单, IDC-12), in Chinese, on a fresh machine without system packages.

fpdf2 (pure Python) embeds a subset of Noto Sans SC, an OpenType font shipped on PyPI by the
``pylopdf-fonts-zh-cn`` package (SIL Open Font License): only the glyphs a notice uses end up in the file
(≈10 KB), and no system font, Cairo or Pango is needed. The PDF is rendered once, when the notice is issued,
and kept on the notice row: the file e-mailed and the file downloaded later are the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from .queries import month_label

if TYPE_CHECKING:
    from .models import PaymentNotice
    from .queries import LineCharge

FONT = 'NotoSansSC'
# fontTools logs every step of subsetting the font at INFO: a dozen lines per PDF.
logging.getLogger('fontTools').setLevel(logging.WARNING)


def font_path() -> str:
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


def yuan(amount: Decimal) -> str:
    """¥12,800.00 / -¥300.00"""
    return '{}¥{:,.2f}'.format('-' if amount < 0 else '', abs(amount))


def _date(day: dt.date) -> str:
    return _('{month}/{day}/{year}').format(year=day.year, month=day.month, day=day.day)


def render_notice_pdf(
    notice: PaymentNotice, charges: list[tuple[str, LineCharge]], *, language: str | None = None
) -> bytes:
    """The notice's PDF: header, customer, the month's fee lines (contract number, item, quantity, unit price,
    amount; prorated lines say how many days), previous balance, charges, amount due and due date."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _render(notice, charges)


def _render(notice: PaymentNotice, charges: list[tuple[str, LineCharge]]) -> bytes:
    from fpdf import FPDF  # imported on first use: fpdf2 and fontTools cost every web worker ~10 MB

    pdf = FPDF(format='A4')
    pdf.set_creation_date(dt.datetime.combine(notice.issued_on, dt.time(0, 0), tzinfo=dt.UTC))
    pdf.set_title(_('IDC payment notice') + ' ' + notice.number)
    pdf.set_author('Gongdan')
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font(FONT, size=18)
    pdf.cell(width, 12, _('IDC payment notice'), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    pdf.cell(width, 6, _('No. {number}').format(number=notice.number), align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(4)

    facts = [
        (_('Customer'), notice.customer.name),
        (_('Billing month'), month_label(notice.month)),
        (_('Issued on'), _date(notice.issued_on)),
        (_('Due on'), _date(notice.due_on)),
    ]
    pdf.set_font(FONT, size=11)
    for label, value in facts:
        pdf.cell(32, 7, label + _(':'))
        pdf.cell(width - 32, 7, value, new_x='LMARGIN', new_y='NEXT')
    pdf.ln(3)

    columns = [
        (_('Contract'), 34, 'L'),
        (_('Item'), 62, 'L'),
        (_('Quantity'), 22, 'R'),
        (_('Unit price'), 32, 'R'),
        (_('Amount'), width - 150, 'R'),
    ]
    pdf.set_font(FONT, size=10)
    pdf.set_fill_color(233, 238, 245)
    for title, w, align in columns:
        pdf.cell(w, 8, title, border=1, align=align, fill=True)
    pdf.ln()
    for contract_number, charge in charges:
        item = f'{charge.line.get_kind_display()} · {charge.line.description}'
        if charge.prorated:
            item += ' ' + _('({days}/{month_days} days)').format(days=charge.days, month_days=charge.month_days)
        values = [
            contract_number,
            item,
            f'{charge.line.quantity.normalize():f}',
            yuan(charge.line.unit_price),
            yuan(charge.amount),
        ]
        for (_title, w, align), value in zip(columns, values, strict=True):
            pdf.cell(w, 8, value[:40], border=1, align=align)
        pdf.ln()
    pdf.ln(4)

    previous = notice.previous_balance
    previous_text = yuan(abs(previous))
    if previous < 0:
        previous_text = _('{amount} owed').format(amount=previous_text)
    elif previous > 0:
        previous_text = _('{amount} in credit').format(amount=previous_text)
    totals = [
        (_('Previous balance'), previous_text),
        (_('Charges of the month'), yuan(notice.charges)),
        (_('Amount due'), yuan(notice.amount_due)),
    ]
    for label, value in totals:
        pdf.set_font(FONT, size=12 if label == totals[-1][0] else 11)
        pdf.cell(width - 50, 8, label, align='R')
        pdf.cell(50, 8, value, align='R', new_x='LMARGIN', new_y='NEXT')
    pdf.ln(6)
    pdf.set_font(FONT, size=10)
    if notice.amount_due > 0:
        text = _(
            'Please pay {amount} by {due}, quoting the notice number {number}. A customer in arrears may not move '
            'servers out of the machine room or unrack their last server.'
        ).format(amount=yuan(notice.amount_due), due=_date(notice.due_on), number=notice.number)
    else:
        text = _('Nothing is due this month: your account is in credit.')
    pdf.multi_cell(width, 6, text, align='L')
    return bytes(pdf.output())
