"""The work order card, the signature page and the PDF itself (SD-04, SD-05), without a browser."""

from __future__ import annotations

import base64

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from gongdan.repairs.actions import check_signature_image, do_issue_work_order
from gongdan.repairs.pdf import form_rows
from gongdan.repairs.views import decode_data_url
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import InvalidInput
from gongdan.workflow.actions import do_transition

from .test_api import REPAIR_FORM, signature_png


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English (the default language is zh-hans)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = 'en'
    with translation.override('en'):
        yield


def onsite(org):
    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='服务器宕机',
        customer=org.customer_a,
        values={'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无法开机'},
    )
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'machine_room', 'urgency': 'low', 'impact': 'low'}
    )
    do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'})
    do_transition(ticket, 'assign_engineer', actor=org.dutylead, values={'engineer': org.engineer.pk})
    do_transition(
        ticket, 'go_onsite', actor=org.engineer, values={'remote_steps': '远程开机', 'remote_failure_reason': '无响应'}
    )
    ticket.refresh_from_db()
    return ticket


def data_url(png: bytes) -> str:
    return 'data:image/png;base64,' + base64.b64encode(png).decode()


def test_sd04_card_and_signature_page(client, org, processes):
    """SD-05: the card shows the work order and leads to the pad; the pad's PNG is stored (SD-04)."""
    ticket = onsite(org)
    client.force_login(org.engineer)
    html = client.get(reverse('repairs:work_order_card', args=[ticket.number])).content.decode()
    assert 'Not signed yet' in html and reverse('repairs:work_order_sign', args=[ticket.number]) in html
    assert 'gd-work-order' in client.get(ticket.get_absolute_url()).content.decode()

    sign = reverse('repairs:work_order_sign', args=[ticket.number])
    page = client.get(sign).content.decode()
    assert 'data-gd-signature' in page and 'signature-pad.js' in page and 'value="张三"' in page
    response = client.post(sign, {'signer': '张三', 'image': data_url(signature_png(blank=True))})
    assert response.status_code == 400 and 'The signature pad is empty.' in response.content.decode()
    response = client.post(sign, {'signer': '', 'image': data_url(signature_png())})
    assert response.status_code == 400
    response = client.post(sign, {'signer': '张三', 'image': data_url(signature_png())})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.data['customer_signer'] == '张三' and len(ticket.data['signed_form']) == 1
    html = client.get(reverse('repairs:work_order_card', args=[ticket.number])).content.decode()
    assert 'Signed by the customer' in html and 'gd-signature-image' in html


def test_sd04_customers_get_404(client, org, processes):
    ticket = onsite(org)
    client.force_login(org.customer_user_a)
    assert client.get(reverse('repairs:work_order_card', args=[ticket.number])).status_code == 404
    assert client.get(reverse('repairs:work_order_sign', args=[ticket.number])).status_code == 404
    assert 'gd-work-order' not in client.get(ticket.get_absolute_url()).content.decode()


def test_sd04_signature_checks():
    check_signature_image(signature_png())
    for bad in (b'', b'GIF89a....', b'\x89PNG\r\n\x1a\nnot really', signature_png(blank=True)):
        with pytest.raises(InvalidInput):
            check_signature_image(bad)
    for bad in ('', 'data:image/jpeg;base64,AAAA', 'data:image/png;base64,@@@'):
        with pytest.raises(InvalidInput):
            decode_data_url(bad)


def test_sd04_form_rows_cover_the_form(org, processes):
    """SD-04: reporting unit, report time, reporter, phone, repairing unit, repair time, kind, test result."""
    ticket = onsite(org)
    do_transition(ticket, 'fill_repair_form', actor=org.engineer, values=REPAIR_FORM)
    ticket.refresh_from_db()
    with translation.override('zh-hans'):
        rows = dict(form_rows(ticket, engineer_name='刘洋'))
    assert rows['报修单位'] == '甲公司' and rows['报修人'] == '张三' and rows['联系电话'] == '13800000000'
    assert rows['维修单位'] == '机房运维组' and rows['维修时间'] == '2026-12-02 14:30'
    assert rows['维修类别'] == '故障维修' and rows['测试结果'] == '正常' and rows['维修人'] == '刘洋'
    attachment = do_issue_work_order(ticket, actor=org.engineer)
    assert attachment.filename.endswith('.pdf') and attachment.size > 1000
