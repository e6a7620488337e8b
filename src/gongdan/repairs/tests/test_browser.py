"""In a real browser (Playwright driving Debian's chromium, as tickets/tests/test_browser.py): the customer signs
the work order on the engineer's tablet (SD-04, SD-05). The pad (static/js/signature-pad.js) is drawn on with
pointer strokes; the stored attachment is a PNG with ink where the strokes went, and the work order is made
again with it. Skipped only where chromium is not installed and not on CI (CI installs it).
"""

import io
import os

import pytest

from gongdan.tickets.tests.test_browser import CHROMIUM, login
from gongdan.workflow.actions import do_transition

pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get('CI'):
        raise RuntimeError('chromium is required for the browser tests on CI (apt-get install chromium)')
    pytest.skip('chromium is not installed', allow_module_level=True)

from gongdan.tickets.tests.test_browser import browser  # noqa: E402,F401  (the fixture)


def onsite_ticket(org):
    from gongdan.tickets.actions import do_create_ticket

    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='机房空调告警',
        customer=org.customer_a,
        values={'reporter_name': '李四', 'reporter_phone': '13900000000', 'symptom': '空调停机'},
    )
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'machine_room', 'urgency': 'low', 'impact': 'low'}
    )
    do_transition(ticket, 'dispatch', actor=org.agent, values={'category': 'machine_room'})
    do_transition(ticket, 'assign_engineer', actor=org.dutylead, values={'engineer': org.engineer.pk})
    do_transition(
        ticket,
        'go_onsite',
        actor=org.engineer,
        values={'remote_steps': '远程查看告警', 'remote_failure_reason': '压缩机故障'},
    )
    ticket.refresh_from_db()
    return ticket


def test_customer_signs_on_the_pad(live_server, browser, org, processes):  # noqa: F811
    """SD-04: the signature drawn on the pad is stored as a PNG attachment of the ticket (field signed_form)."""
    from PIL import Image

    from gongdan.tickets.models import Attachment

    ticket = onsite_ticket(org)
    first_work_order = ticket.data['work_order']
    base = live_server.url
    page = browser.new_page(viewport={'width': 800, 'height': 1000}, has_touch=True)
    page.context.add_cookies([{'name': 'django_language', 'value': 'en', 'url': base}])
    login(page, base, 'engineer')

    # The ticket page's card links to the pad.
    page.goto(f'{base}{ticket.get_absolute_url()}')
    page.wait_for_selector('.gd-work-order')
    assert 'Not signed yet' in page.inner_text('.gd-work-order')
    page.click('.gd-work-order a[href$="/work-order/sign/"]')
    page.wait_for_url(f'{base}/tickets/{ticket.number}/work-order/sign/')

    # Submitting an empty pad is refused in the browser, nothing is stored.
    page.fill('input[name=signer]', '李四')
    page.click('form[data-gd-signature] button[type=submit]')
    assert page.is_visible('[data-gd-signature-empty]')
    assert not Attachment.objects.filter(field='signed_form').exists()

    canvas = page.locator('canvas[data-gd-signature-canvas]')
    box = canvas.bounding_box()
    strokes = [[(0.1, 0.7), (0.3, 0.2), (0.5, 0.8), (0.7, 0.3)], [(0.55, 0.5), (0.9, 0.55)]]
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box['x'] + x * box['width'], box['y'] + y * box['height'])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box['x'] + x * box['width'], box['y'] + y * box['height'], steps=12)
        page.mouse.up()
    page.click('form[data-gd-signature] button[type=submit]')
    page.wait_for_url(f'{base}{ticket.get_absolute_url()}')
    page.wait_for_selector('.gd-work-order .gd-signature-image')
    assert 'Signed by the customer' in page.inner_text('.gd-work-order')

    ticket.refresh_from_db()
    signature = Attachment.objects.get(field='signed_form', ticket=ticket)
    assert ticket.data['signed_form'] == [signature.pk] and ticket.data['customer_signer'] == '李四'
    assert signature.content_type == 'image/png' and signature.uploaded_by == org.engineer
    with Image.open(io.BytesIO(signature.file.open('rb').read())) as image:
        assert image.format == 'PNG'
        gray = image.convert('L')
        width, height = gray.size
        assert width >= box['width'] - 1 and height >= box['height'] - 1  # at least one pixel per CSS pixel
        ink = gray.point(lambda level: 255 if level < 128 else 0)
        left, top, right, bottom = ink.getbbox()
        # The ink spans the strokes: from about 10 % to 90 % of the width, 20 % to 80 % of the height.
        assert left < 0.15 * width and right > 0.85 * width
        assert top < 0.3 * height and bottom > 0.7 * height
        assert gray.getpixel((int(0.95 * width), int(0.05 * height))) > 240  # paper stays white
    assert ticket.data['work_order'] != first_work_order  # the work order was made again, with the signature

    # Now the work can be completed (SD-05: signed work order before completion).
    do_transition(
        ticket,
        'complete_onsite',
        actor=org.engineer,
        values={
            'repair_unit': '机房运维组',
            'repair_time': '2026-12-02T10:00:00+08:00',
            'repair_kind': 'fault_repair',
            'equipment_description': '精密空调压缩机',
            'handling': '更换压缩机接触器',
            'test_result': 'normal',
        },
    )
    ticket.refresh_from_db()
    assert ticket.state == 'fixed'
