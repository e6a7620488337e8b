"""Approval steps: modes one / any / all / chain, rejection, and "not your turn" (IDC-03, IDC-04, IDC-09)."""

import pytest
import yaml
from django.utils import translation

from gongdan.approvals.actions import do_decide_approval, pending_task_for
from gongdan.approvals.models import ApprovalRequest, ApprovalStatus
from gongdan.tickets.actions import do_create_ticket
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow.actions import do_sync_processes, do_transition

WAITING = {'one': 'wait_one', 'any': 'wait_any', 'all': 'wait_all', 'chain': 'wait_chain'}
APPROVERS = {
    # the requester's superior (the agent files, so: the head of the service center)
    'one': [{'relation': 'requester_superior'}],
    'any': [{'role': 'director'}, {'role': 'general_manager'}],
    'all': [{'role': 'director'}, {'role': 'general_manager'}],
    # first the requester's superior, then the general manager (IDC-03: superior, then procurement decision)
    'chain': [{'relation': 'requester_superior'}, {'role': 'general_manager'}],
}
PROCESS = {
    'key': 'approval_demo',
    'title': '审批测试',
    'prefix': 'AP',
    'rules': ['IDC-03'],
    'initial': 'draft',
    'create': {'roles': ['agent']},
    'states': {
        'draft': {'title': '草稿', 'kind': 'new'},
        **{state: {'title': f'{mode}审批中', 'kind': 'pending', 'approval': mode} for mode, state in WAITING.items()},
        'approved': {'title': '已批准', 'kind': 'closed', 'final': True},
        'rejected': {'title': '未批准', 'kind': 'closed', 'final': True},
        'withdrawn': {'title': '已撤回', 'kind': 'closed', 'final': True},
    },
    'approvals': {
        mode: {
            'title': f'{mode}审批',
            'mode': mode,
            'approvers': APPROVERS[mode],
            'on_approve': 'approve',
            'on_reject': 'reject',
        }
        for mode in WAITING
    },
    'transitions': [
        *[
            {
                'key': f'ask_{mode}',
                'title': '申请',
                'from': ['draft'],
                'to': state,
                'roles': ['agent'],
                'rules': ['IDC-03'],
            }
            for mode, state in WAITING.items()
        ],
        {
            'key': 'approve',
            'title': '批准',
            'from': list(WAITING.values()),
            'to': 'approved',
            'system': True,
            'rules': ['IDC-03'],
        },
        {
            'key': 'reject',
            'title': '驳回',
            'from': list(WAITING.values()),
            'to': 'rejected',
            'system': True,
            'rules': ['IDC-03'],
        },
        {
            'key': 'withdraw',
            'title': '撤回',
            'from': list(WAITING.values()),
            'to': 'withdrawn',
            'roles': ['agent'],
            'rules': ['IDC-03'],
        },
    ],
}


@pytest.fixture
def approval_process(tmp_path, db):
    (tmp_path / 'approval_demo.yaml').write_text(yaml.safe_dump(PROCESS, allow_unicode=True), encoding='utf-8')
    do_sync_processes(tmp_path)


def ask(org, mode):
    ticket = do_create_ticket('approval_demo', actor=org.agent, title='采购新机柜')
    ticket = do_transition(ticket, f'ask_{mode}', actor=org.agent)
    return ticket, ticket.approvals.get(status=ApprovalStatus.PENDING)


def state_of(ticket):
    ticket.refresh_from_db()
    return ticket.state


def test_mode_one_the_superior_decides(org, approval_process):
    ticket, request = ask(org, 'one')
    assert [t.approver for t in request.tasks.all()] == [org.supervisor]
    assert ticket.events.filter(kind=EventKind.APPROVAL_REQUESTED).count() == 1
    for other in (org.gm, org.agent, org.admin):
        with pytest.raises(NotAllowed):
            do_decide_approval(request, actor=other, approve=True)
    do_decide_approval(request, actor=org.supervisor, approve=True, comment='同意')
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED and request.decided_at is not None
    assert state_of(ticket) == 'approved'
    decided = ticket.events.get(kind=EventKind.APPROVAL_DECIDED)
    assert (decided.actor, decided.note) == (org.supervisor, '同意')
    assert ticket.events.filter(kind=EventKind.TRANSITIONED, transition='approve').count() == 1
    with pytest.raises(Conflict):
        do_decide_approval(request, actor=org.supervisor, approve=False, comment='改主意了')


def test_rejection_needs_a_reason_and_takes_the_reject_path(org, approval_process):
    ticket, request = ask(org, 'one')
    with pytest.raises(InvalidInput) as info:
        do_decide_approval(request, actor=org.supervisor, approve=False)
    assert 'comment' in info.value.fields
    assert state_of(ticket) == 'wait_one'
    do_decide_approval(request, actor=org.supervisor, approve=False, comment='预算不足')
    request.refresh_from_db()
    assert request.status == ApprovalStatus.REJECTED
    assert state_of(ticket) == 'rejected'


def test_mode_any_first_decision_wins(org, approval_process):
    ticket, request = ask(org, 'any')
    assert {t.approver for t in request.tasks.all()} == {org.supervisor, org.gm}
    assert pending_task_for(request, org.gm) is not None
    assert pending_task_for(request, org.supervisor) is not None
    do_decide_approval(request, actor=org.gm, approve=True)
    assert state_of(ticket) == 'approved'
    assert request.tasks.get(approver=org.supervisor).decision == ApprovalStatus.CANCELLED
    with pytest.raises(Conflict):
        do_decide_approval(request, actor=org.supervisor, approve=True)


def test_mode_all_needs_everyone_and_one_rejection_rejects(org, approval_process):
    ticket, request = ask(org, 'all')
    do_decide_approval(request, actor=org.supervisor, approve=True)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert state_of(ticket) == 'wait_all'
    with pytest.raises(NotAllowed):  # already decided their part
        do_decide_approval(request, actor=org.supervisor, approve=True)
    do_decide_approval(request, actor=org.gm, approve=True)
    assert state_of(ticket) == 'approved'

    ticket, request = ask(org, 'all')
    do_decide_approval(request, actor=org.gm, approve=False, comment='不同意')
    assert state_of(ticket) == 'rejected'
    assert request.tasks.get(approver=org.supervisor).decision == ApprovalStatus.CANCELLED


def test_mode_chain_goes_in_order(org, approval_process):
    ticket, request = ask(org, 'chain')
    tasks = {t.approver: t.order for t in request.tasks.all()}
    assert tasks == {org.supervisor: 0, org.gm: 1}
    assert pending_task_for(request, org.gm) is None
    with translation.override('en'), pytest.raises(NotAllowed, match='not your turn'):
        do_decide_approval(request, actor=org.gm, approve=True)
    do_decide_approval(request, actor=org.supervisor, approve=True)
    assert state_of(ticket) == 'wait_chain'
    assert pending_task_for(request, org.gm) is not None
    do_decide_approval(request, actor=org.gm, approve=True)
    assert state_of(ticket) == 'approved'


def test_chain_rejection_stops_the_chain(org, approval_process):
    ticket, request = ask(org, 'chain')
    do_decide_approval(request, actor=org.supervisor, approve=False, comment='需求不清')
    assert state_of(ticket) == 'rejected'
    assert request.tasks.get(approver=org.gm).decision == ApprovalStatus.CANCELLED


def test_leaving_the_state_by_hand_cancels_the_request(org, approval_process):
    ticket, request = ask(org, 'one')
    do_transition(ticket, 'withdraw', actor=org.agent)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.CANCELLED
    with pytest.raises(Conflict):
        do_decide_approval(request, actor=org.supervisor, approve=True)


def test_no_approver_found_refuses_the_transition(org, approval_process):
    """An approval nobody can decide is refused up front instead of stranding the ticket."""
    org.supervisor.is_active = False
    org.supervisor.save()
    ticket = do_create_ticket('approval_demo', actor=org.agent, title='采购')
    with pytest.raises(NotAllowed) as info:
        do_transition(ticket, 'ask_one', actor=org.agent)
    assert info.value.code == 'no_approver'
    assert state_of(ticket) == 'draft'
    assert not ApprovalRequest.objects.filter(ticket=ticket).exists()
