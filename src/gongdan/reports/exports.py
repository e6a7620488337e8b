"""A report (documents.Report) as an Excel workbook or a PDF. openpyxl and fpdf2 are imported when a file is made,
not with the views (utilities/tests/test_startup.py: they would cost every web worker memory)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from .documents import Report

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
PDF = 'application/pdf'


def render(report: Report, fmt: str) -> tuple[bytes, str, str]:
    """(content, MIME type, file extension) of ``report`` in ``fmt`` (xlsx or pdf)."""
    if fmt == 'pdf':
        return render_pdf(report), PDF, 'pdf'
    return render_xlsx(report), XLSX, 'xlsx'


def _generated(report: Report) -> str:
    return timezone.localtime(report.generated_at).strftime('%Y-%m-%d %H:%M')


def render_xlsx(report: Report) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = str(_('Overview'))[:31]
    cover.append([report.title])
    cover['A1'].font = Font(bold=True, size=14)
    cover.append([_('Period'), report.period_label])
    cover.append([_('Filter'), report.filter_label])
    cover.append([_('Generated'), _generated(report)])
    cover.append([])
    for section in report.sections:
        cover.append([section.title])
    for index, section in enumerate(report.sections, start=1):
        sheet = book.create_sheet(title=f'{index} {section.title}'[:31].replace('/', '-'))
        sheet.append([section.title])
        sheet['A1'].font = Font(bold=True, size=13)
        for line in section.text:
            sheet.append([line])
        for table in section.tables:
            sheet.append([])
            sheet.append([table.title])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append([str(h) for h in table.header])
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append(row)
            if not table.rows:
                sheet.append([_('None.')])
        sheet.column_dimensions['A'].width = 36
        sheet.column_dimensions['B'].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF

    from gongdan.billing.pdf import FONT, font_path

    pdf = FPDF(format='A4')
    pdf.set_creation_date(report.generated_at.astimezone(dt.UTC))
    pdf.set_title(report.title)
    pdf.set_author('Gongdan')
    pdf.add_font(FONT, fname=font_path())
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font(FONT, size=18)
    pdf.cell(width, 12, report.title, align='C', new_x='LMARGIN', new_y='NEXT')
    pdf.set_font(FONT, size=10)
    for line in (report.period_label, report.filter_label, _('Generated') + _(':') + _generated(report)):
        pdf.cell(width, 6, line, align='C', new_x='LMARGIN', new_y='NEXT')
    for section in report.sections:
        pdf.ln(4)
        pdf.set_font(FONT, size=14)
        pdf.cell(width, 9, section.title, new_x='LMARGIN', new_y='NEXT')
        pdf.set_font(FONT, size=10)
        for line in section.text:
            pdf.multi_cell(width, 6, line, new_x='LMARGIN', new_y='NEXT')
        for table in section.tables:
            pdf.ln(2)
            pdf.set_font(FONT, size=11)
            pdf.cell(width, 7, table.title, new_x='LMARGIN', new_y='NEXT')
            pdf.set_font(FONT, size=9)
            columns = len(table.header)
            first = width * (0.4 if columns > 2 else 0.6)
            rest = (width - first) / max(columns - 1, 1)
            widths = [first] + [rest] * (columns - 1)
            pdf.set_fill_color(233, 238, 245)
            for title, w in zip(table.header, widths, strict=True):
                pdf.cell(w, 7, str(title)[:30], border=1, fill=True)
            pdf.ln()
            if not table.rows:
                pdf.cell(width, 7, _('None.'), border=1, new_x='LMARGIN', new_y='NEXT')
            for row in table.rows:
                for value, w in zip(row, widths, strict=True):
                    text = str(value)
                    limit = int(w / 2.2)
                    pdf.cell(w, 7, text if len(text) <= limit else text[: limit - 1] + '…', border=1)
                pdf.ln()
    return bytes(pdf.output())
