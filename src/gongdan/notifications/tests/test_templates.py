"""Every event type has its three templates, and each renders in Chinese and in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import get_template
from django.utils import timezone

from gongdan.notifications.events import EVENT_TYPES
from gongdan.notifications.rendering import render_message
from gongdan.notifications.templatetags.notification_tags import duration
from gongdan.tickets.actions import do_create_ticket

STATE = {'key': 'open', 'title': '处理中', 'title_en': 'In progress', 'customer_title': '处理中'}
SAMPLES = {
    'ticket.assigned': {'team': '机房运维组', 'assignee': '李工', 'to_team': False, 'note': '尽快'},
    'ticket.reply': {'author': '张三', 'text': '请提供截图', 'by_customer': True},
    'ticket.note': {'author': '李工', 'text': '交换机端口异常'},
    'ticket.state_changed': {
        'from_state': STATE,
        'to_state': {**STATE, 'title': '待回访', 'title_en': 'Awaiting callback', 'customer_title': '已解决'},
        'transition': {'title': '电话解决', 'title_en': 'Solved by phone'},
        'comment': '重启了服务',
        'public_comment': '',
    },
    'approval.requested': {'step': {'title': '上级审批', 'title_en': "Superior's approval"}, 'requested_by': '客服'},
    'approval.decided': {
        'step': {'title': '上级审批', 'title_en': "Superior's approval"},
        'approved': False,
        'decided_by': '主任',
        'comment': '人数太多',
    },
    'sla.warning': {'clock_title': '签收', 'level': 0, 'deadline': None, 'remaining': 300},
    'sla.breached': {'clock_title': '签收', 'level': 0, 'deadline': None, 'overdue_by': dt.timedelta(minutes=75)},
    'sla.escalated': {'clock_title': '故障处理', 'level': 2, 'deadline': None, 'overdue_by': dt.timedelta(hours=3)},
    'complaint.urgent': {
        'severity': {'label': '紧急投诉', 'label_en': 'Urgent'},
        'category': {'label': '服务态度', 'label_en': 'Service attitude'},
        'complainant': '钱文博',
        'details': '态度恶劣',
        'demand': '书面道歉',
        'department': '机房运维组',
    },
    'complaint.daily_summary': {
        'day': dt.date(2026, 12, 1),
        'summary': {
            'new_total': 0,
            'by_category': [],
            'by_severity': [],
            'new': [],
            'open': [],
            'closed': [],
            'overdue': [],
        },
    },
    'inspection.urgent_fault': {
        'inspection': 'XJ-20261201-0001',
        'check': '计费系统运行状态',
        'system': {'label': '计费系统', 'label_en': 'Billing system'},
        'severity': {'label': '紧急', 'label_en': 'Urgent'},
        'notes': '话单入库延迟2小时',
    },
    'inspection.daily_report': {
        'day': dt.date(2026, 12, 1),
        'report': {'rounds': [], 'rounds_total': 0, 'rounds_done': 0, 'findings': [], 'open_faults': []},
    },
    'billing.payment_notice': {
        'customer': '云帆网络',
        'number': 'JF-202612-00003',
        'month': '2026年12月',
        'amount_due': '¥12,800.00',
        'due_on': dt.date(2026, 12, 16),
        'previous_balance': '¥0.00',
        'charges': '¥12,800.00',
    },
    'reports.scheduled': {'title': '季报', 'period': '2026-07-01 至 2026-09-30', 'filters': '全部处理组和客户'},
    'emergency.declared': {'criteria': ['重要客户或VIP受到影响'], 'description': '专线全断', 'declared_by': '客服甲'},
    'emergency.red_flag': {
        'source_number': 'FLT-20261201-0001',
        'source_title': '证券专线中断',
        'criteria': ['客户认为紧急'],
        'description': '专线全断',
        'confirmed_by': '工程服务经理',
    },
    'emergency.rejected': {'decided_by': '工程服务经理', 'comment': '有备用路由'},
    'idc.resources_freed': {'customer': '云帆网络', 'resources': ['A-01 U3–U4', '203.0.113.9']},
    'credentials.password_rotated': {'system': '计费系统数据库', 'filed_at': '2026-12-01 10:00'},
    'credentials.month_end_review': {
        'month': '2026-11',
        'expired': 2,
        'paperwork_due': 1,
        'applications': 5,
        'link': '/credentials/review/?month=2026-11',
    },
    'crc.check_form_chased': {'team': '固网专业', 'reminders': 2, 'chased_by': '客服甲', 'comment': '请今日回复'},
}
# not about one ticket: no ticket number in the subject
TICKETLESS = {'complaint.daily_summary', 'reports.scheduled', 'inspection.daily_report', 'credentials.month_end_review'}
# Event types that are not about a ticket (their subject names their own number).
NO_TICKET = {'billing.payment_notice'}
ZH = {
    'ticket.assigned': '已分派给您',
    'ticket.reply': '新回复',
    'ticket.note': '内部备注',
    'ticket.state_changed': '待回访',
    'approval.requested': '待您审批',
    'approval.decided': '已驳回',
    'sla.warning': '即将到期',
    'sla.breached': '已超时',
    'sla.escalated': '已升级至第 2 级',
    'complaint.urgent': '紧急投诉',
    'complaint.daily_summary': '客户投诉日报',
    'billing.payment_notice': '缴费通知单',
    'reports.scheduled': '定期报表：季报',
    'inspection.urgent_fault': '巡检发现紧急故障',
    'inspection.daily_report': '每日维护报告',
    'emergency.declared': '紧急事件',
    'emergency.red_flag': 'Red Flag 已确认',
    'emergency.rejected': '未确认为紧急事件',
    'idc.resources_freed': '退租释放资源',
    'credentials.password_rotated': '密码已更换',
    'credentials.month_end_review': '月末审查',
    'crc.check_form_chased': '第 2 次催办',
}


@pytest.fixture
def ticket(org, processes):
    values = {'reporter_name': '王五', 'reporter_phone': '13812345678', 'symptom': '无法登录'}
    return do_create_ticket('sd_event', actor=org.agent, title='打印机', values=values)


def context_for(key, ticket):
    from gongdan.notifications.actions import _ticket_context

    context = {**SAMPLES[key], 'actor_name': '客服甲', 'for_customer': False, 'for_group': False}
    if 'deadline' in context:
        context['deadline'] = timezone.now()
    if key not in NO_TICKET:
        context['ticket'] = _ticket_context(ticket)
        context['url'] = context['ticket']['url']
    prepare = EVENT_TYPES[key].prepare
    return prepare(context) if prepare else context


def test_every_event_type_has_its_templates():
    assert set(SAMPLES) == set(EVENT_TYPES), 'a sample context per event type'
    for kind in EVENT_TYPES.values():
        for part in ('subject.txt', 'body.txt', 'body.html'):
            get_template(kind.template(part))


@pytest.mark.parametrize('key', sorted(SAMPLES))
def test_each_event_type_renders_in_chinese_and_english(key, ticket):
    kind = EVENT_TYPES[key]
    zh = render_message(kind, context_for(key, ticket), language='zh-hans')
    en = render_message(kind, context_for(key, ticket), language='en')
    for message in (zh, en):
        assert message.subject and '\n' not in message.subject and len(message.subject) <= 250
        assert message.text and '{%' not in message.text and '{{' not in message.text
        assert message.html.lstrip().startswith('<!doctype html>') and '</html>' in message.html
    assert ZH[key] in zh.subject, zh.subject
    assert zh.subject != en.subject
    if key in NO_TICKET:
        assert SAMPLES[key]['number'] in zh.subject and SAMPLES[key]['number'] in en.subject
    elif key not in TICKETLESS:
        assert ticket.number in zh.subject and ticket.number in en.subject


def test_html_escapes_what_users_typed(ticket):
    context = context_for('ticket.reply', ticket)
    context['text'] = '<script>alert(1)</script>'
    message = render_message(EVENT_TYPES['ticket.reply'], context, language='zh-hans')
    assert '<script>' not in message.html and '&lt;script&gt;' in message.html
    assert '<script>alert(1)</script>' in message.text, 'the plain-text part is not HTML-escaped'


def test_duration_filter():
    assert duration(dt.timedelta(days=1, hours=2, minutes=5)) == '1 天 2 小时 5 分钟'
    assert duration(30) == '< 1 分钟'
    assert duration(None) == ''
