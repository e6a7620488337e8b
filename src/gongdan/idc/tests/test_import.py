"""Import of an existing machine room (issue #4): CSV and .xlsx, every bad row reported with its line number,
nothing imported when any row is bad, non-zero exit of ``gongdan idc import``."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongdan.customers.models import Customer
from gongdan.idc import importfile
from gongdan.idc.actions import do_import_inventory
from gongdan.idc.models import Allocation, Device, Prefix, Rack, Room
from gongdan.idc.queries import rack_figures
from gongdan.utilities.errors import InvalidInput

EXAMPLE = Path(__file__).resolve().parents[4] / 'docs' / 'examples' / 'idc-inventory.csv'


@pytest.fixture
def customers(db):
    for code, name in [('dingxin', '鼎新集团'), ('yunfan', '云帆网络')]:
        Customer.objects.create(code=code, name=name)


def test_example_file_imports(customers, tmp_path):
    out = io.StringIO()
    call_command('idc', 'import', str(EXAMPLE), stdout=out)
    assert 'Imported' in out.getvalue()
    room = Room.objects.get(key='sz-a')
    assert room.site.key == 'sz-dc1'
    a01 = Rack.objects.get(room=room, name='A-01')
    figures = rack_figures(a01)
    assert (figures.used_u, figures.contracted_amps) == (4, Decimal('5.5'))
    prefix = Prefix.objects.get(network='203.0.113.0/26')
    assert prefix.gateway == '203.0.113.1' and prefix.vlan.vid == 110
    assert Device.objects.filter(customer__code='dingxin').count() == 2
    held = Allocation.objects.filter(kind='ip_address', status='active').order_by('address_key')
    assert [a.address for a in held] == ['203.0.113.10', '203.0.113.20']


def test_bad_rows_are_all_reported_and_nothing_is_imported(customers, tmp_path):
    text = EXAMPLE.read_text(encoding='utf-8').splitlines()
    text += [
        'rack,,sz-a,A-03,,,forty,16,,,,,,,,,,,',  # line 16: not a number
        'device,,sz-a,dx-web-02,A-01,2,2,,dingxin,SN-DX-0009,,server,1,,,,,,',  # 17: U2 overlaps dx-web-01
        'device,,sz-a,dx-web-03,A-01,20,1,,dingxin,SN-DX-0001,,server,1,,,,,,',  # 18: duplicate serial
        'address,,,,,,,,yunfan,,,,,203.0.113.0/26,203.0.113.63,,,,',  # 19: broadcast
        'address,,,,,,,,yunfan,,,,,203.0.113.0/26,203.0.113.10,,,,',  # 20: duplicate address
        'device,,sz-a,x,A-01,30,1,,nobody,,,server,1,,,,,,',  # 21: unknown customer
        'device,,sz-a,big,A-02,20,1,,yunfan,,,server,40,,,,,,',  # 22: over the power budget
        'switch,,sz-a,x,,,,,,,,,,,,,,,',  # 23: unknown type
    ]
    path = tmp_path / 'bad.csv'
    path.write_text('\n'.join(text) + '\n', encoding='utf-8')
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command('idc', 'import', str(path), stderr=err)
    assert '8 bad rows' in str(failed.value)
    report = err.getvalue()
    for line, reason in [
        (16, 'forty'),
        (17, 'U2'),
        (18, 'SN-DX-0001'),
        (19, 'broadcast'),
        (20, 'already allocated'),
        (21, 'nobody'),
        (22, 'current left'),
        (23, 'unknown type'),
    ]:
        assert f'line {line}: ' in report and reason in report, (line, reason, report)
    assert report.count('line ') == 8
    assert not Room.objects.exists() and not Device.objects.exists() and not Allocation.objects.exists()


def test_command_exit_status_is_non_zero(customers, tmp_path, capsys):
    """From the shell a refused import exits 1 (CommandError through Django's ManagementUtility)."""
    from django.core.management import ManagementUtility

    path = tmp_path / 'bad.csv'
    path.write_text('type,room,name\nrack,nowhere,X\n', encoding='utf-8')
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(['gongdan', 'idc', 'import', str(path)]).execute()
    assert exited.value.code == 1
    assert 'line 2: no machine room "nowhere"' in capsys.readouterr().err


def test_dry_run_imports_nothing(customers):
    rows = importfile.read_path(EXAMPLE)
    result = do_import_inventory(rows, actor=None, dry_run=True)
    assert result.created['device'] == 3
    assert not Room.objects.exists()


def test_xlsx_with_chinese_headers(customers):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = '机柜'
    sheet.append(['类型', '数据中心', '机房', '名称', '高度(U)', '额定电流(A)'])
    sheet.append(['机房', 'bj', 'bj-1', '北京一号机房', None, None])
    sheet.append(['机柜', None, 'bj-1', 'K-01', 42, 20])
    second = book.create_sheet('设备')
    second.append(['类型', '机房', '名称', '机柜', 'U位', '高度(U)', '客户', '序列号', '设备电流(A)'])
    second.append(['服务器', 'bj-1', 'yf-1', 'K-01', 5, 2, 'yunfan', 'SN-X1', 1.5])
    second.append(['服务器', 'bj-1', 'yf-2', 'K-01', 6, 1, 'yunfan', 'SN-X2', 1.5])  # U6 is taken by yf-1
    data = io.BytesIO()
    book.save(data)
    rows = importfile.read_upload('inventory.xlsx', data.getvalue())
    assert [r.line for r in rows] == ['机柜:2', '机柜:3', '设备:2', '设备:3']
    with pytest.raises(InvalidInput) as refused:
        do_import_inventory(rows, actor=None)
    assert refused.value.fields['rows'] == [refused.value.fields['rows'][0]]
    assert refused.value.fields['rows'][0].startswith('line 设备:3: ')
    assert not Room.objects.exists()


def test_gb18030_csv_and_header_problems(customers):
    data = '类型,机房,名称\n机柜,nowhere,X\n'.encode('gb18030')
    rows = importfile.read_upload('rooms.csv', data)
    assert rows[0].type == 'rack' and rows[0].values['room'] == 'nowhere'
    with pytest.raises(InvalidInput) as no_type:
        importfile.read_upload('x.csv', b'room,name\nA,B\n')
    assert 'type' in no_type.value.fields['rows'][0]
    with pytest.raises(InvalidInput) as unknown:
        importfile.read_upload('x.csv', b'type,colour\nrack,red\n')
    assert 'colour' in unknown.value.detail
    with pytest.raises(InvalidInput):
        importfile.read_upload('x.xlsx', b'not a workbook')
