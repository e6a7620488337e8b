"""Reading an inventory import file (CSV or Excel .xlsx) into rows; no database access here.

One table, one record per row, the ``type`` column says which (docs/idc.md, docs/examples/idc-inventory.csv):

    type, site, room, name, rack, position, u_height, power_budget_amps, customer, serial, model, kind,
    rated_amps, prefix, address, gateway, vlan, description, status

- ``room``: ``site`` (key), ``room`` (key), ``name`` — creates the site and room when missing;
- ``rack``: ``room``, ``name``, ``u_height``, ``power_budget_amps``, optional ``customer`` (rents it whole);
- ``device``: ``room``, ``name``, ``customer`` (code), ``serial``, ``model``, ``kind``, ``u_height``,
  ``rated_amps``, and where it sits: ``rack`` + ``position`` (lowest U); ``status`` active (default) or reserved;
- ``prefix``: ``room``, ``prefix``, ``gateway``, optional ``vlan`` (VLAN ID, created when missing), ``description``;
- ``address``: ``prefix``, ``address``, ``customer`` — an address already in use by a customer.

Headers may also be the Chinese column names of a typical machine-room sheet (类型, 机房, 机柜, 名称 …).
A CSV may be UTF-8 (with or without BOM) or GB18030 (what Excel in Chinese saves). In a workbook every sheet
is read; line numbers are the spreadsheet's row numbers (prefixed with the sheet name when there are several).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput

TYPES = ('room', 'rack', 'device', 'prefix', 'address')
COLUMNS = (
    'type',
    'site',
    'room',
    'name',
    'rack',
    'position',
    'u_height',
    'power_budget_amps',
    'customer',
    'serial',
    'model',
    'kind',
    'rated_amps',
    'prefix',
    'address',
    'gateway',
    'vlan',
    'description',
    'status',
)
ALIASES = {
    '类型': 'type',
    '数据中心': 'site',
    '机房': 'room',
    '名称': 'name',
    '机柜': 'rack',
    '起始u位': 'position',
    'u位': 'position',
    '高度u': 'u_height',
    '高度': 'u_height',
    '电源额定a': 'power_budget_amps',
    '额定电流a': 'power_budget_amps',
    '客户': 'customer',
    '序列号': 'serial',
    '型号': 'model',
    '设备类型': 'kind',
    '额定功率电流a': 'rated_amps',
    '设备电流a': 'rated_amps',
    '网段': 'prefix',
    'ip地址': 'address',
    '网关': 'gateway',
    'vlan': 'vlan',
    '说明': 'description',
    '状态': 'status',
}
TYPE_ALIASES = {
    '机房': 'room',
    '机柜': 'rack',
    '设备': 'device',
    '服务器': 'device',
    '网段': 'prefix',
    '地址': 'address',
}
MAX_ROWS = 20_000


@dataclass
class Row:
    line: str  # "7" or "Racks:7"
    type: str
    values: dict[str, str]


def _header(name) -> str:
    text = str(name or '').strip().lower().replace(' ', '').replace('（', '').replace('）', '')
    text = text.replace('(', '').replace(')', '')
    return ALIASES.get(text, text)


def _rows(table, prefix: str = '') -> list[Row]:
    """Rows of one table (a list of lists of cells, first row the header); blank rows are skipped."""
    if not table:
        return []
    header = [_header(h) for h in table[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if 'type' not in header:
        raise InvalidInput(
            _('{where}the header has no "type" column.').format(where=prefix),
            fields={'rows': [_('{where}line 1: the header has no "type" column.').format(where=prefix)]},
        )
    if unknown:
        message = _('{where}line 1: unknown column(s) {columns}.').format(where=prefix, columns=', '.join(unknown))
        raise InvalidInput(message, fields={'rows': [message]})
    out = []
    for number, cells in enumerate(table[1:], start=2):
        values = {h: _cell(c) for h, c in zip(header, cells, strict=False) if h}
        if not any(values.values()) or values.get('type', '').startswith('#'):
            continue
        kind = values.pop('type', '')
        out.append(Row(f'{prefix}{number}', TYPE_ALIASES.get(kind, kind.lower()), values))
    return out


def _cell(value) -> str:
    if value is None:
        return ''
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_csv(data: bytes) -> list[Row]:
    for encoding in ('utf-8-sig', 'gb18030'):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInput(_('The file is neither UTF-8 nor GB18030 text.'))
    return _rows(list(csv.reader(io.StringIO(text))))


def read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InvalidInput(_('The file is not an Excel .xlsx workbook ({error}).').format(error=exc)) from None
    sheets = book.worksheets
    rows = []
    for sheet in sheets:
        table = [list(r) for r in sheet.iter_rows(values_only=True)]
        rows.extend(_rows(table, f'{sheet.title}:' if len(sheets) > 1 else ''))
    book.close()
    return rows


def read_upload(name: str, data: bytes) -> list[Row]:
    rows = read_xlsx(data) if name.lower().endswith('.xlsx') else read_csv(data)
    if len(rows) > MAX_ROWS:
        raise InvalidInput(_('More than {count} rows; split the file.').format(count=MAX_ROWS))
    return rows


def read_path(path: str | Path) -> list[Row]:
    path = Path(path)
    return read_upload(path.name, path.read_bytes())
