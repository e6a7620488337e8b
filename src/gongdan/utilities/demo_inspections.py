"""Demo system inspections (SVC-11): three plans (daily core systems, a weekday cron round of the portal, a weekly
billing round), a round two days ago filed by the network administrator, yesterday's round whose urgent billing
finding opened a fault ticket (report submitted, awaiting review), and today's round in progress.

Through the actions with backdated times, like the rest of the demo; idempotent: nothing is added once the demo
has an inspection plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.utils import timezone

from gongdan.inspections.actions import do_file_inspection, do_record_check, do_save_plan
from gongdan.inspections.models import InspectionPlan
from gongdan.inspections.schedule import local_zone
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

M = dt.timedelta(minutes=1)

CORE_ITEMS = [
    {'system': 'servers', 'title': '异常服务器备份数据检查', 'guidance': '核对昨夜备份任务完成情况与备份文件大小'},
    {'system': 'servers', 'title': '服务器系统日志检查', 'guidance': '检查 error/critical 级别日志与磁盘告警'},
    {'system': 'portal', 'title': '门户数据库读取', 'guidance': '执行巡检查询，响应时间小于 1 秒'},
    {'system': 'portal', 'title': '流媒体服务器状态', 'guidance': 'CPU、带宽、并发数'},
    {'system': 'portal', 'title': '门户用户活跃情况', 'guidance': '与上周同期比较在线人数'},
    {'system': 'billing', 'title': '计费系统运行状态', 'urgent': True},
    {'system': 'billing', 'title': '计费数据正确性（话单抽查）', 'urgent': True},
    {'system': 'billing', 'title': '系统管理与客户群管理', 'guidance': '账号、权限与客户群变更记录'},
]


def build_inspections(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    """The plans and three rounds; returns the (process, state) of the tickets filed (none the second time)."""
    if InspectionPlan.objects.exists():
        return Counter()
    if not Process.objects.filter(key='svc_inspection', current_version__isnull=False).exists():
        do_sync_processes()
    users = directory.users
    inspector, netadmin = users['inspector'], users['neteng']
    now = (now or timezone.now()).replace(microsecond=0)
    today = timezone.localtime(now, local_zone()).date()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(0, 0), tzinfo=local_zone())
    core = do_save_plan(
        'daily-core', actor=users['admin'], name='核心系统日常巡检', inspector=inspector, network_admin=netadmin,
        items=CORE_ITEMS, schedule_kind='daily', at_time=dt.time(9, 0), starts_at=start,
    )  # fmt: skip
    do_save_plan(
        'portal-afternoon', actor=users['admin'], name='门户系统午后巡检（工作日）', inspector=inspector,
        network_admin=netadmin, items=CORE_ITEMS[2:5], schedule_kind='cron', cron='30 14 * * 1-5', starts_at=now,
    )  # fmt: skip
    do_save_plan(
        'weekly-billing', actor=users['admin'], name='计费系统周巡检', inspector=inspector, network_admin=netadmin,
        items=CORE_ITEMS[5:], schedule_kind='weekly', at_time=dt.time(10, 0), weekdays=['mon'], starts_at=now,
    )  # fmt: skip
    filed = []

    def slot(days_ago: int) -> dt.datetime:
        local = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9, 0), tzinfo=local_zone())
        return local.astimezone(dt.UTC)

    # Two days ago: all normal, reported and filed by the network administrator.
    first = do_file_inspection(core, slot(2), now=slot(2))
    ticket = do_transition(first.ticket, 'start', actor=inspector, at=slot(2) + 5 * M)
    for i, check in enumerate(first.checks.all()):
        do_record_check(check, actor=inspector, result='normal', at=slot(2) + (10 + 5 * i) * M)
    ticket = do_transition(
        ticket, 'submit_report', actor=inspector, values={'report_summary': '各系统运行正常，未发现异常。'},
        at=slot(2) + 70 * M,
    )  # fmt: skip
    ticket = do_transition(
        ticket, 'file_report', actor=netadmin, values={'review_opinion': '已阅，存档。'}, at=slot(2) + 3 * 60 * M
    )
    filed.append(ticket)

    # Yesterday: billing data wrong — an urgent finding opens a fault ticket at once; the report awaits review.
    second = do_file_inspection(core, slot(1), now=slot(1))
    ticket = do_transition(second.ticket, 'start', actor=inspector, at=slot(1) + 3 * M)
    notes = {
        '流媒体服务器状态': ('abnormal', 'minor', '流媒体服务器 CPU 峰值 85%，建议观察'),
        '计费数据正确性（话单抽查）': ('abnormal', 'urgent', '抽查 20 张话单，3 张时长为 0，疑似采集程序异常'),
    }
    for i, check in enumerate(second.checks.all()):
        result, severity, note = notes.get(check.title, ('normal', '', ''))
        do_record_check(
            check, actor=inspector, result=result, severity=severity, notes=note, at=slot(1) + (8 + 6 * i) * M
        )
    ticket = do_transition(
        ticket, 'submit_report', actor=inspector,
        values={'report_summary': '计费话单采集异常，已开故障工单；流媒体服务器负载偏高。'}, at=slot(1) + 80 * M,
    )  # fmt: skip
    filed.append(ticket)
    fault = second.checks.get(title='计费数据正确性（话单抽查）').fault_ticket
    if fault is not None:
        filed.append(fault)

    # Today: the round is under way (only when 09:00 has passed).
    if slot(0) <= now:
        third = do_file_inspection(core, slot(0), now=slot(0))
        ticket = do_transition(third.ticket, 'start', actor=inspector, at=min(now, slot(0) + 4 * M))
        first_check = third.checks.first()
        do_record_check(first_check, actor=inspector, result='normal', at=min(now, slot(0) + 9 * M))
        filed.append(ticket)
    return Counter((t.process.key, t.state) for t in filed)
