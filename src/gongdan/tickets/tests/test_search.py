"""Full-text search (tickets/search.py) on whichever database the tests run on (SQLite or PostgreSQL)."""

import pytest
import yaml
from django.core.management import call_command
from django.db import transaction

from gongdan.tickets.actions import do_add_comment, do_create_ticket, do_update_ticket
from gongdan.tickets.models import Ticket, TicketSearch
from gongdan.tickets.queries import visible_tickets
from gongdan.tickets.search import index_tokens, query_tokens, search_tickets
from gongdan.workflow.actions import do_sync_processes, do_transition

pytestmark = pytest.mark.django_db


def _create(org, title, *, customer=None, description='', symptom='无法开机'):
    return do_create_ticket(
        'sd_event',
        actor=org.agent,
        title=title,
        description=description,
        customer=customer,
        values={'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': symptom},
    )


def _numbers(queryset):
    return set(queryset.values_list('number', flat=True))


def test_tokens_keep_numbers_ips_and_segment_chinese():
    tokens = list(index_tokens('机房空调故障，IP 192.168.1.20 工单 SD-20250101-0007 Server DOWN'))
    assert {'机房', '空调', '故障'} <= set(tokens)
    assert {'192.168.1.20', '192', '168', '1', '20'} <= set(tokens)
    assert {'sd-20250101-0007', 'sd', '20250101', '0007', 'server', 'down'} <= set(tokens)
    # Queries keep Latin pieces whole and cut Chinese into the finest words; function words are dropped.
    assert query_tokens('机房的空调 SD-20250101') == ['机房', '空调', 'sd-20250101']
    assert query_tokens('大学生') == ['大学', '学生']
    assert query_tokens('  ，。!! 的 ') == []


def test_chinese_query_finds_title_description_fields_and_customer(org, processes):
    """SD-02: an agent finds the event record by any word of its title, description or symptom."""
    aircon = _create(org, '机房空调故障', customer=org.customer_a, description='三楼机房温度过高')
    printer = _create(org, '打印机卡纸', symptom='打印时卡纸')
    staff = visible_tickets(org.agent)

    assert _numbers(search_tickets(staff, '空调')) == {aircon.number}
    assert _numbers(search_tickets(staff, '温度')) == {aircon.number}
    assert _numbers(search_tickets(staff, '卡纸')) == {printer.number}
    assert _numbers(search_tickets(staff, '甲公司')) == {aircon.number}  # the customer's name
    assert _numbers(search_tickets(staff, '无法开机')) == {aircon.number}  # a custom text field
    assert _numbers(search_tickets(staff, '交换机')) == set()
    assert _numbers(search_tickets(staff, '')) == {aircon.number, printer.number}  # a blank query filters nothing


def test_number_ip_and_prefix_search(org, processes):
    first = _create(org, '网络中断', description='出口 10.1.2.3 丢包')
    second = _create(org, '邮件无法发送')
    staff = visible_tickets(org.agent)

    assert _numbers(search_tickets(staff, first.number)) == {first.number}
    assert _numbers(search_tickets(staff, first.number.lower())) == {first.number}
    day_prefix = first.number.rsplit('-', 1)[0]  # SD-YYYYMMDD
    assert _numbers(search_tickets(staff, day_prefix)) == {first.number, second.number}
    assert _numbers(search_tickets(staff, '10.1.2.3')) == {first.number}
    assert _numbers(search_tickets(staff, '10.1.2')) == {first.number}
    assert _numbers(search_tickets(staff, '10.9.9.9')) == set()


def test_all_query_tokens_must_match(org, processes):
    aircon = _create(org, '机房空调故障')
    _create(org, '机房门禁故障')
    staff = visible_tickets(org.agent)

    assert len(search_tickets(staff, '机房 故障')) == 2
    assert _numbers(search_tickets(staff, '机房 空调')) == {aircon.number}
    assert _numbers(search_tickets(staff, '空调 门禁')) == set()


def test_customers_do_not_match_internal_notes(org, processes):
    """Internal notes are never shown to customers, so their text must not find tickets for them either."""
    ticket = _create(org, '服务器宕机', customer=org.customer_a)
    do_add_comment(ticket, actor=org.agent, body='怀疑是交换机端口被误关', is_internal=True)
    do_add_comment(ticket, actor=org.agent, body='工程师正在排查电源模块')
    customer = visible_tickets(org.customer_user_a)
    staff = visible_tickets(org.agent)

    assert _numbers(search_tickets(customer, '交换机')) == set()
    assert _numbers(search_tickets(customer, '交换机', include_internal=False)) == set()
    assert _numbers(search_tickets(customer, '电源模块')) == {ticket.number}  # a reply is public
    assert _numbers(search_tickets(staff, '交换机')) == set()  # the default is the safe one
    assert _numbers(search_tickets(staff, '交换机', include_internal=True)) == {ticket.number}
    # AND across the two documents: one token in the title, the other in the internal note.
    assert _numbers(search_tickets(staff, '宕机 交换机', include_internal=True)) == {ticket.number}


def test_search_never_widens_the_visible_queryset(org, processes):
    mine = _create(org, '甲方机房空调故障', customer=org.customer_a)
    theirs = _create(org, '乙方机房空调故障', customer=org.customer_b)

    assert _numbers(search_tickets(visible_tickets(org.customer_user_b), '空调')) == {theirs.number}
    assert _numbers(search_tickets(visible_tickets(org.customer_user_a), '空调')) == {mine.number}
    assert _numbers(search_tickets(visible_tickets(org.engineer), '空调')) == set()  # team scope, not theirs
    assert _numbers(search_tickets(Ticket.objects.filter(pk=mine.pk), theirs.number)) == set()


def test_index_follows_actions_and_rolls_back_with_them(org, processes):
    ticket = _create(org, '电脑蓝屏')
    staff = visible_tickets(org.agent)

    do_update_ticket(ticket, actor=org.agent, changes={'title': '显示器黑屏'})
    assert _numbers(search_tickets(staff, '黑屏')) == {ticket.number}
    assert _numbers(search_tickets(staff, '蓝屏')) == set()

    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'software', 'urgency': 'low', 'impact': 'low'}
    )
    do_transition(ticket, 'resolve_by_phone', actor=org.agent, values={'resolution': '重新插拔视频线后恢复'})
    assert _numbers(search_tickets(staff, '视频线')) == {ticket.number}

    with pytest.raises(RuntimeError), transaction.atomic():
        do_add_comment(ticket, actor=org.agent, body='显卡需要更换')
        assert _numbers(search_tickets(staff, '显卡')) == {ticket.number}  # same transaction sees it
        raise RuntimeError('roll back')
    assert _numbers(search_tickets(staff, '显卡')) == set()


def test_reindex_command_rebuilds_every_document(org, processes):
    tickets = [_create(org, f'批量工单{i} 硬盘告警', description=f'编号 HD-{i}') for i in range(5)]
    staff = visible_tickets(org.agent)
    TicketSearch.objects.all().delete()
    assert _numbers(search_tickets(staff, '硬盘')) == set()

    call_command('search', 'reindex', batch_size=2, verbosity=0)

    assert TicketSearch.objects.count() == 5
    assert _numbers(search_tickets(staff, '硬盘 告警')) == {t.number for t in tickets}
    assert _numbers(search_tickets(staff, 'hd-3')) == {tickets[3].number}
    # Rebuilding again is idempotent (upserts, no duplicates).
    call_command('search', 'reindex', verbosity=0)
    assert TicketSearch.objects.count() == 5
    assert _numbers(search_tickets(staff, 'hd-3')) == {tickets[3].number}


HIDDEN_FIELD_PROCESS = {
    'key': 'search_demo',
    'title': '搜索测试',
    'prefix': 'SR',
    'rules': ['IDC-10'],
    'initial': 'new',
    'fields': [
        {'key': 'faulty_ip', 'type': 'ip_address', 'label': '故障IP'},
        {'key': 'ops_remark', 'type': 'text', 'label': '运维备注', 'customer_visible': False},
        {
            'key': 'kind',
            'type': 'choice',
            'label': '类型',
            'choices': [{'value': 'outage', 'label': '中断', 'label_en': 'Outage'}],
        },
    ],
    'create': {'roles': ['agent'], 'fields': ['faulty_ip', 'ops_remark', 'kind']},
    'states': {'new': {'title': '新建', 'kind': 'new'}, 'done': {'title': '完成', 'kind': 'closed', 'final': True}},
    'transitions': [
        {'key': 'close', 'title': '关闭', 'from': ['new'], 'to': 'done', 'roles': ['agent'], 'rules': ['IDC-10']}
    ],
}


def test_internal_only_fields_are_staff_text_and_choices_match_by_label(org, tmp_path):
    """IDC-10: the faulty IP is searchable by the customer; an ops-only remark is not."""
    (tmp_path / 'search_demo.yaml').write_text(yaml.safe_dump(HIDDEN_FIELD_PROCESS, allow_unicode=True), 'utf-8')
    do_sync_processes(tmp_path)
    values = {'faulty_ip': '203.0.113.9', 'ops_remark': '上联交换机板卡老化', 'kind': 'outage'}
    ticket = do_create_ticket('search_demo', actor=org.agent, title='线路故障', customer=org.customer_a, values=values)
    customer = visible_tickets(org.customer_user_a)
    assert _numbers(search_tickets(customer, '203.0.113.9')) == {ticket.number}
    assert _numbers(search_tickets(customer, '中断')) == {ticket.number}
    assert _numbers(search_tickets(customer, 'outage')) == {ticket.number}
    assert _numbers(search_tickets(customer, '板卡')) == set()
    assert _numbers(search_tickets(visible_tickets(org.agent), '板卡', include_internal=True)) == {ticket.number}
