"""Demo credential management (SVC-01 … SVC-06): four systems in the register, a granted request, one waiting for
the security administrator, an emergency grant whose paperwork is overdue, an expired grant for the month-end
review, and this quarter's rotations — one done with its password filed (encrypted) and the users told.

Through the actions with backdated times; idempotent: the systems are kept up to date, the tickets are made once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from gongdan.credentials import crypto
from gongdan.credentials.actions import do_file_due_rotations, do_file_secret, do_save_system
from gongdan.credentials.models import Grant, RotationRound, System
from gongdan.tickets.actions import do_add_attachment, do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
SYSTEMS = [
    # key, name, access type, address, owner team, user teams
    ('billing-db', '计费系统数据库', 'database', '10.0.8.21:3306', 'software_ops', ('software_ops', 'network_ops')),
    ('portal-web', '门户网站后台', 'web', 'https://portal-admin.example.internal/', 'software_ops', ('software_ops',)),
    ('core-fw', '核心防火墙', 'serial', '机房A 核心机柜串口', 'network_ops', ('network_ops', 'machine_room_ops')),
    ('backup-ftp', '备份服务器', 'ftp', 'ftp://10.0.9.5', 'machine_room_ops', ('machine_room_ops',)),
]  # fmt: skip


def _systems(directory: Directory) -> dict[str, System]:
    admin = directory.users['secadmin']
    out = {}
    for key, name, access, address, owner, users in SYSTEMS:
        existing = System.objects.filter(key=key).first()
        out[key] = do_save_system(
            actor=admin,
            system=existing,
            key=key,
            name=name,
            access_type=access,
            address=address,
            owner_team=directory.teams.get(owner),
            user_teams=[directory.teams[t] for t in users if t in directory.teams],
        )
    return out


def _request(directory, at, requester: str, **values) -> Ticket:
    return do_create_ticket(
        'svc_access_request',
        actor=directory.users[requester],
        title='申请{}权限'.format(values.pop('title')),
        values=values,
        at=at,
    )


def _paperwork(ticket: Ticket, user, kind: str) -> dict:
    form = do_add_attachment(ticket, actor=user, upload=ContentFile(b'%PDF-1.4 demo', name='密码申请单.pdf'))
    agreement = do_add_attachment(ticket, actor=user, upload=ContentFile(b'%PDF-1.4 demo', name=f'保密协议-{kind}.pdf'))
    return {'application_form': [form.pk], 'agreement': [agreement.pk], 'agreement_kind': kind}


def build_credentials(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    if not Process.objects.filter(key='svc_access_request', current_version__isnull=False).exists():
        do_sync_processes()
    _systems(directory)
    if Ticket.objects.filter(process__key='svc_access_request').exists():
        return Counter()
    users = directory.users
    admin = users['secadmin']
    now = (now or timezone.now()).replace(microsecond=0)
    today = timezone.localdate(now)
    filed = []

    # Granted and filed: an operator's engineer, read-only on the billing database.
    t = _request(
        directory, now - 6 * D, 'neteng', title='计费数据库只读', system='billing-db', staff_kind='operator',
        grantee_name='王工（电信省网管中心）', access_level='只读账号 report_ro', reason='月度话单对账',
        valid_until=(today + 80 * D).isoformat(),
    )  # fmt: skip
    values = _paperwork(t, users['neteng'], 'operator')
    filed.append(do_transition(t, 'grant', actor=admin, values=values, at=now - 5 * D))

    # Waiting for the security administrator.
    waiting = _request(
        directory, now - 3 * H, 'sw_eng', title='门户后台管理员', system='portal-web', staff_kind='internal',
        grantee_name='蒋波', access_level='内容管理员', reason='门户改版上线期间维护栏目',
        valid_until=(today + 30 * D).isoformat(),
    )  # fmt: skip
    filed.append(waiting)

    # An emergency grant at night whose paperwork is overdue (SVC-03).
    t = _request(
        directory, now - 3 * D, 'net_lead', title='核心防火墙串口（紧急）', system='core-fw', staff_kind='internal',
        grantee_name='彭飞', access_level='串口 enable 权限', reason='核心防火墙会话表满，需现场处理',
        valid_until=(today + 7 * D).isoformat(),
    )  # fmt: skip
    reason = {'emergency_reason': '夜间故障，客户业务中断'}
    filed.append(do_transition(t, 'grant_emergency', actor=admin, values=reason, at=now - 3 * D + H))

    # Granted last month and expired: for the month-end review (SVC-06).
    t = _request(
        directory, now - 40 * D, 'mr_eng', title='备份服务器FTP', system='backup-ftp', staff_kind='internal',
        grantee_name='唐鑫', access_level='备份目录读写', reason='迁移备份数据',
        valid_until=(today + 5 * D).isoformat(),
    )  # fmt: skip
    values = _paperwork(t, users['mr_eng'], 'internal')
    t = do_transition(t, 'grant', actor=admin, values=values, at=now - 39 * D)
    Grant.objects.filter(ticket=t).update(valid_until=today - 10 * D)  # demo only: it expired ten days ago
    filed.append(t)

    # This quarter's rotations; the billing database's is done, its password filed encrypted.
    rotations = do_file_due_rotations(now=now - 2 * D)
    filed.extend(rotations)
    rotation = RotationRound.objects.filter(system__key='billing-db').select_related('ticket').first()
    if rotation is not None and crypto.is_configured():
        do_file_secret(rotation.ticket, actor=admin, password='Demo-Billing#2026Q4', at=now - D - H)  # noqa: S106 (demo data)
        filed.append(do_transition(rotation.ticket, 'file_new_password', actor=admin, at=now - D))
    return Counter(t.process.key + ':' + t.state for t in Ticket.objects.filter(pk__in=[t.pk for t in filed]))
