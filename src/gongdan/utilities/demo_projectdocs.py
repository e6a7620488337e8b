"""Demo project documentation (SVC-07): an archived project with its files, an expansion of it under review, a
handover that failed review and went back to the project department, one granted access request with a recorded
download and one waiting for the document administrator.

Through the actions with backdated times; idempotent: nothing is added once the demo has a handover ticket.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalStatus
from gongdan.projectdocs.actions import do_read_archived_file
from gongdan.tickets.actions import do_add_attachment, do_create_ticket
from gongdan.tickets.models import Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

if TYPE_CHECKING:
    from .demo import Directory

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MATCH = {'electronic_matches': True, 'paper_matches': True, 'web_matches': True}


def _handover(users, at, **values):
    return do_create_ticket(
        'svc_doc_handover',
        actor=users['projdept'],
        title='{}资料移交'.format(values['project_name']),
        values={'notice_date': (at + 8 * H).date().isoformat(), **values},
        at=at,
    )


def build_projectdocs(directory: Directory, *, now: dt.datetime | None = None) -> Counter:
    if Ticket.objects.filter(process__key='svc_doc_handover').exists():
        return Counter()
    if not Process.objects.filter(key='svc_doc_access', current_version__isnull=False).exists():
        do_sync_processes()
    users = directory.users
    docadmin = users['docadmin']
    now = (now or timezone.now()).replace(microsecond=0)
    filed = []

    # An archived project, with its documentation files.
    start = now - 30 * D
    project = _handover(
        users, start, project_name='城域网二期', project_code='MAN-2026-02', notice_ref='XMB-2026-031',
        handover_kind='new_project', document_list='竣工图纸、设备清单、割接方案、验收报告',
    )  # fmt: skip
    project = do_transition(project, 'receive', actor=docadmin, at=start + 3 * H)
    project = do_transition(
        project, 'accept', actor=docadmin,
        values={**MATCH, 'archive_location': '资料室A柜3层', 'review_opinion': '三版一致'},
        at=start + D,
    )  # fmt: skip
    for name, content in (
        ('城域网二期-设备清单.csv', '设备,型号,数量\n汇聚交换机,S7706,4\n接入交换机,S5735,36\n'),
        ('城域网二期-验收报告.txt', '城域网二期工程验收报告\n结论：验收合格。\n'),
    ):
        do_add_attachment(project, actor=docadmin, upload=ContentFile(content.encode(), name=name))
    filed.append(project)

    # The expansion of it, a new project linked to the earlier one, under review.
    at = now - 2 * D
    expansion = _handover(
        users, at, project_name='城域网二期扩容', project_code='MAN-2026-02-EXP', notice_ref='XMB-2026-047',
        handover_kind='expansion', previous_project=project.number, document_list='扩容设计、新增设备清单',
    )  # fmt: skip
    filed.append(do_transition(expansion, 'receive', actor=docadmin, at=at + 2 * H))

    # A handover that failed review: back with the project department.
    at = now - 5 * D
    failed = _handover(
        users, at, project_name='机房动环监控改造', project_code='IDC-2026-09', notice_ref='XMB-2026-040',
        handover_kind='new_project', document_list='设计文件、施工记录',
    )  # fmt: skip
    failed = do_transition(failed, 'receive', actor=docadmin, at=at + H)
    failed = do_transition(
        failed, 'reject', actor=docadmin,
        values={'web_matches': False, 'review_opinion': '网站版图纸版本与纸质版不一致'},
        comment='请统一图纸版本后重新移交', at=at + D,
    )  # fmt: skip
    filed.append(failed)

    # Access requests: one granted (and read), one waiting.
    at = now - 3 * D
    access = do_create_ticket(
        'svc_doc_access', actor=users['engineer'], title='查阅城域网二期设备清单',
        values={'project_ticket': project.number, 'purpose': '故障处理需核对汇聚设备型号', 'files_wanted': '设备清单'},
        at=at,
    )  # fmt: skip
    request = access.approvals.filter(status=ApprovalStatus.PENDING).first()
    if request is not None:
        do_decide_approval(request, actor=docadmin, approve=True, comment='同意查阅一周', at=at + 2 * H)
    access.refresh_from_db()
    if access.state == 'granted':
        first = project.attachments.order_by('id').first()
        do_read_archived_file(access, first, actor=users['engineer'])
    filed.append(access)
    filed.append(
        do_create_ticket(
            'svc_doc_access',
            actor=users['neteng'],
            title='查阅城域网二期验收报告',
            values={'project_ticket': project.number, 'purpose': '编写网络优化方案'},
            at=now - 4 * H,
        )
    )
    return Counter((t.process.key, t.state) for t in filed)
