"""CSC-03 / CSC-04 / CSC-05 end to end through the REST API: the planned service (processes/svc_planned.yaml) — a
go-live accepted within 24 hours and routed by its kind, planned, scheduled, done, and called back after the
cutover within 1 working day; with the branches (an invalid window, a customer not satisfied in the callback, a
declined request)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongdan.sla.models import Clock, ClockStatus, Outcome
from gongdan.tickets.models import Ticket

from .conftest import act, api, file_request, transitions

H = dt.timedelta(hours=1)


def _planned(client, category='go_live', **fields):
    return file_request(
        client,
        process='svc_planned',
        category=category,
        need=None,
        request_channel=None,
        scope='新业务系统上线：部署应用服务器两台并割接DNS。',
        **fields,
    )


def _window(days=3):
    start = timezone.now() + dt.timedelta(days=days)
    return {'planned_start': start.isoformat(), 'planned_end': (start + 4 * H).isoformat()}


def test_csc03_planned_go_live_main_path_with_callback_after_cutover(csc):
    """CSC-03 / CSC-04: a go-live is accepted within 24 hours and goes to its team (technical support, the duty lead
    plans it) → the plan is agreed (2 working days) → the work is done → the customer is called back within 1 working
    day of the cutover → filed."""
    l1, lead, eng = api(csc.acceptance), api(csc.techsup), api(csc.supeng)
    created = _planned(l1)
    tid = created['id']
    assert created['number'].startswith('PLS-') and created['state'] == 'requested'
    ticket = Ticket.objects.get(pk=tid)
    assert Clock.objects.get(ticket_id=tid, key='accept').deadline == ticket.created_at + 24 * H

    body = act(l1, tid, 'accept')
    assert body['state'] == 'planning' and body['team']['key'] == 'tech_support'
    assert body['assignee']['id'] == csc.techsup.pk and body['support_level'] == 'l2'
    assert Clock.objects.get(ticket_id=tid, key='accept').outcome == Outcome.MET
    assert Clock.objects.get(ticket_id=tid, key='plan').status == ClockStatus.RUNNING

    # The window must lie ahead and end after it starts.
    past = timezone.now() - H
    refused = act(
        lead,
        tid,
        'agree_plan',
        {'plan': '方案', 'planned_start': past.isoformat(), 'planned_end': (past + H).isoformat()},
        status=403,
    )
    assert refused['code'] == 'guard_refused' and '计划开始时间已过' in refused['detail']
    window = _window()
    wrong = {'plan': '方案', 'planned_start': window['planned_end'], 'planned_end': window['planned_start']}
    assert '晚于' in act(lead, tid, 'agree_plan', wrong, status=403)['detail']
    body = act(lead, tid, 'agree_plan', {'plan': '1. 部署 2. 联调 3. 割接DNS；回退：切回旧DNS', **window})
    assert body['state'] == 'scheduled' and body['state_kind'] == 'pending'
    assert Clock.objects.get(ticket_id=tid, key='plan').outcome == Outcome.MET

    act(eng, tid, 'start_work')  # CSC-05: the field engineer of the team registers the work
    body = act(eng, tid, 'complete', {'work_report': '应用部署完成，DNS已割接，业务验证通过。'})
    assert body['state'] == 'completed'
    callback = Clock.objects.get(ticket_id=tid, key='callback')
    assert callback.status == ClockStatus.RUNNING

    # CSC-04: the callback after the cutover; a dissatisfied customer cannot be filed away.
    refused = act(l1, tid, 'call_back', {'callback_result': '用户反映慢', 'customer_satisfied': 'no'}, status=403)
    assert '不满意' in refused['detail']
    body = act(l1, tid, 'call_back', {'callback_result': '客户确认系统运行正常。', 'customer_satisfied': 'yes'})
    assert body['state'] == 'closed'
    callback.refresh_from_db()
    assert callback.outcome == Outcome.MET
    assert transitions(l1, tid) == ['accept', 'agree_plan', 'start_work', 'complete', 'call_back']


def test_csc03_planned_kinds_route_to_their_teams_and_problems_go_back(csc):
    """CSC-03: each kind of planned service has its team (expansion: network management; patch and upgrade: software
    operations); CSC-04: a problem found in the callback sends the work back to the team; a request may be declined
    with a reason."""
    l1 = api(csc.acceptance)
    expansion = _planned(l1, category='expansion')['id']
    body = act(l1, expansion, 'accept')
    assert body['team']['key'] == 'network_mgmt' and body['assignee']['id'] == csc.neteng.pk
    patch = _planned(l1, category='patch')['id']
    assert act(l1, patch, 'accept')['team']['key'] == 'software_ops'

    neteng = api(csc.neteng)
    act(neteng, expansion, 'agree_plan', {'plan': '扩容两块板卡', **_window()})
    act(neteng, expansion, 'start_work')
    act(neteng, expansion, 'complete', {'work_report': '扩容完成'})
    body = act(l1, expansion, 'callback_problem', {'callback_result': '新端口不通'}, comment='客户反映新增端口不通')
    assert body['state'] == 'in_progress'
    assert Clock.objects.get(ticket_id=expansion, key='callback').status == ClockStatus.STOPPED

    upgrade = _planned(l1, category='upgrade')['id']
    act(l1, upgrade, 'decline', status=400)  # the reason is required
    assert act(l1, upgrade, 'decline', comment='客户系统不在维保范围内。')['state'] == 'declined'
