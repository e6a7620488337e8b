"""SVC-11 system inspection end to end through the REST API (processes/svc_inspection.yaml): the scheduler files
the round, the inspector starts it and records every check through /api/v1/tickets/{id}/inspection/, an abnormal
urgent item opens a fault ticket at once and tells the network administrator and the general manager, the written
report is submitted (PDF filed with the ticket), the network administrator returns it once and then files it, and
the daily maintenance report shows the day."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from gongdan.notifications.models import Delivery, Notification
from gongdan.tickets.models import Attachment, Ticket

from .conftest import SLOT, api


def act(client, ticket_id, key, fields=None, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/actions/{key}/', {'fields': fields or {}, **extra}, format='json'
    )
    assert response.status_code == status, (key, response.status_code, response.json())
    return response.json()


def record(client, ticket_id, check, result, status=200, **extra):
    response = client.post(
        f'/api/v1/tickets/{ticket_id}/inspection/', {'check': check, 'result': result, **extra}, format='json'
    )
    assert response.status_code == status, response.json()
    return response.json()


def test_svc11_inspection_round_end_to_end(desk, capsys, client):
    """SVC-11 main path with the urgent-fault branch and the network administrator's review."""
    inspector, netadmin, gm = api(desk.inspector), api(desk.netadmin), api(desk.gm)

    # The scheduler (the worker's job; here the command) files the 09:00 round once.
    call_command('inspections', 'schedule', '--at', (SLOT + dt.timedelta(minutes=2)).isoformat())
    call_command('inspections', 'schedule', '--at', (SLOT + dt.timedelta(minutes=7)).isoformat())
    assert '1 inspection(s) filed' in capsys.readouterr().out
    ticket = Ticket.objects.get(process__key='svc_inspection')
    tid = ticket.pk

    body = inspector.get(f'/api/v1/tickets/{tid}/inspection/').json()
    assert body['plan'] == 'daily-core' and len(body['checks']) == 4 and body['report'] is None
    checks = {c['system'] + ':' + str(c['position']): c['id'] for c in body['checks']}
    assert all(c['result'] == 'pending' for c in body['checks'])

    # Checks are recorded during the round only, by its inspector; a customer never sees the inspection.
    record(inspector, tid, checks['servers:1'], 'normal', status=409)
    assert api(desk.customer_user_a).get(f'/api/v1/tickets/{tid}/inspection/').status_code == 404
    assert act(inspector, tid, 'start')['state'] == 'in_progress'
    record(netadmin, tid, checks['servers:1'], 'normal', status=403)
    assert record(inspector, tid, checks['servers:1'], 'normal')['result'] == 'normal'
    assert 'notes' in record(inspector, tid, checks['portal:2'], 'abnormal', status=400)['fields']
    record(inspector, tid, checks['portal:2'], 'abnormal', severity='minor', notes='流媒体服务器负载偏高')

    # The report cannot go in before every item is checked.
    refused = act(inspector, tid, 'submit_report', {'report_summary': '见检查表'}, status=403)
    assert refused['code'] == 'guard_refused' and '计费系统运行状态与数据正确性' in refused['detail']

    # SVC-11: the urgent billing item is abnormal — a fault ticket at once, the network administrator and the GM told.
    urgent = record(inspector, tid, checks['billing:4'], 'abnormal', notes='计费话单入库延迟2小时')
    assert urgent['severity'] == 'urgent' and urgent['fault_ticket']['number'].startswith('SD-')
    fault = Ticket.objects.get(pk=urgent['fault_ticket']['id'])
    assert fault.process.key == 'sd_event' and fault.priority == 'p1'
    assert set(
        Notification.objects.filter(event_type='inspection.urgent_fault', ticket=fault).values_list(
            'recipient__username', flat=True
        )
    ) == {'netadmin', 'gm'}
    assert Delivery.objects.filter(event_type='inspection.urgent_fault', target='gm@example.com').exists()
    # the network administrator follows the fault ticket and may see it
    assert api(desk.netadmin).get(f'/api/v1/tickets/{fault.pk}/').status_code == 200
    record(inspector, tid, checks['portal:3'], 'normal')

    # The written report: submitted with the summary, the PDF filed with the ticket.
    submitted = act(inspector, tid, 'submit_report', {'report_summary': '计费系统话单入库延迟，已开故障工单。'})
    assert submitted['state'] == 'submitted'
    report = inspector.get(f'/api/v1/tickets/{tid}/inspection/').json()['report']
    assert report['filename'].endswith('-inspection-report.pdf')
    pdf = Attachment.objects.get(pk=report['id'])
    assert pdf.ticket_id == tid and pdf.is_internal
    client.force_login(desk.netadmin)
    download = client.get(f'/attachments/{pdf.pk}/')
    assert download.status_code == 200 and b''.join(download.streaming_content).startswith(b'%PDF')

    # The network administrator (a watcher) returns it once, then files it with an optimisation proposal.
    act(netadmin, tid, 'return_report', {'review_opinion': '请补充流媒体负载数据'}, comment='补充数据', status=200)
    record(inspector, tid, checks['portal:2'], 'abnormal', severity='minor', notes='流媒体服务器CPU峰值85%')
    act(inspector, tid, 'submit_report', {'report_summary': '已补充流媒体负载数据。'})
    assert Attachment.objects.filter(ticket_id=tid, field='report').count() == 2
    act(gm, tid, 'file_report', {'optimization_proposal': '流媒体服务器扩容一台'}, status=200)
    ticket.refresh_from_db()
    assert ticket.state == 'filed' and ticket.data['optimization_proposal'] == '流媒体服务器扩容一台'
    events = inspector.get(f'/api/v1/tickets/{tid}/events/').json()['results']
    assert [e['transition'] for e in events if e['kind'] == 'transitioned'] == [
        'start', 'submit_report', 'return_report', 'submit_report', 'file_report',
    ]  # fmt: skip

    # The daily maintenance report of the day.
    day = netadmin.get('/api/v1/inspections/daily-report/?day=2026-12-01').json()
    assert day['rounds_total'] == 1 and day['rounds_done'] == 1
    assert {f['check'] for f in day['findings']} == {'门户数据库读取与流媒体服务器状态', '计费系统运行状态与数据正确性'}
    assert [f['number'] for f in day['open_faults']] == [fault.number]
    assert api(desk.customer_user_a).get('/api/v1/inspections/daily-report/').status_code == 404
    assert api(desk.agent).get('/api/v1/inspections/daily-report/').status_code == 403
    plans = netadmin.get('/api/v1/inspections/plans/').json()
    assert plans[0]['key'] == 'daily-core' and plans[0]['network_admin'] == 'netadmin'
