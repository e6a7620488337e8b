"""Bulk-seed tickets for benchmarks (not through HTTP, not through the actions: speed only).

Rows look like real ones: sd_event tickets spread over the past year in every state, across the four
SD-03 teams, customers and priorities, each with its 'created' timeline event. Seeded days end
yesterday, so live numbering (today) never collides with a seeded number.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.db import transaction
from django.utils import timezone

BATCH = 5000


def seed_tickets(count: int, *, seed: int = 7, progress=print) -> None:
    from gongdan.accounts.models import Team, User
    from gongdan.customers.models import Customer
    from gongdan.tickets.models import Ticket, TicketEvent
    from gongdan.workflow.models import Process

    rng = random.Random(seed)
    process = Process.objects.select_related('current_version').get(key='sd_event')
    version = process.current_version
    spec = version.spec
    states = list(spec.states)
    teams = list(Team.objects.all())
    customers = list(Customer.objects.all()) or [None]
    staff = list(User.objects.filter(customer__isnull=True, is_active=True))
    agent = User.objects.get(username='agent')
    categories = [c.key for c in spec.categories]
    titles = [
        '财务系统无法登录',
        '3号机房空调告警',
        'OA邮件发送失败',
        '打印机卡纸',
        'VPN连接断开',
        '数据库备份失败',
        '核心交换机端口闪断',
        '门禁系统异常',
        '视频会议无声音',
        '服务器风扇告警',
    ]
    today = timezone.localdate()
    days = 365
    per_day: dict[dt.date, int] = {}
    start = time.monotonic()
    made = Ticket.objects.filter(process=process).count()
    while made < count:
        batch = min(BATCH, count - made)
        tickets = []
        for _ in range(batch):
            day = today - dt.timedelta(days=rng.randint(1, days))
            per_day[day] = per_day.get(day, 0) + 1
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(8)) + dt.timedelta(seconds=rng.randint(0, 50000)))
            state = rng.choice(states)
            kind = spec.states[state].kind
            team = rng.choice(teams) if state != 'new' else None
            tickets.append(
                Ticket(
                    number=f'SD-{day:%Y%m%d}-B{made + len(tickets):07d}',
                    process=process,
                    process_version=version,
                    state=state,
                    state_kind=kind,
                    title=rng.choice(titles),
                    description='批量生成的基准测试工单',
                    priority=rng.choice(['p1', 'p2', 'p3', 'p3', 'p4']),
                    urgency='medium',
                    impact='medium',
                    category=rng.choice(categories),
                    channel='phone',
                    customer=rng.choice(customers),
                    requester=agent,
                    team=team,
                    assignee=rng.choice(staff) if team and rng.random() < 0.7 else None,
                    data={'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无法使用'},
                    created_by=agent,
                    created_at=at,
                    updated_at=at + dt.timedelta(minutes=rng.randint(0, 5000)),
                )
            )
        with transaction.atomic():
            created = Ticket.objects.bulk_create(tickets, batch_size=BATCH)
            TicketEvent.objects.bulk_create(
                [
                    TicketEvent(
                        ticket=t,
                        created_at=t.created_at,
                        actor=agent,
                        kind='created',
                        to_state=t.state,
                        changes={'title': [None, t.title]},
                    )
                    for t in created
                ],
                batch_size=BATCH,
            )
        made += batch
        if made % 100_000 < BATCH:
            progress(f'  seeded {made:,} tickets ({time.monotonic() - start:.0f} s)')
