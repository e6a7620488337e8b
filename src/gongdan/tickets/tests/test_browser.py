"""End-to-end in a real browser: Playwright driving Debian's chromium against the live test server.

An agent takes a phone call (the SD intake form, SD-01/SD-02), classifies it in the action modal (SD-02),
sees the process diagram rendered and the timeline updated; a customer contact of another organisation gets
404 for that ticket. Skipped only where chromium is not installed and not on CI (CI installs it).
"""

import os

import pytest

from gongdan.utilities.testing import PASSWORD

# Debian's chromium (a fixed decision: never a browser build downloaded by a test tool).
CHROMIUM = '/usr/bin/chromium'
pytestmark = pytest.mark.browser

if not os.path.exists(CHROMIUM):
    if os.environ.get('CI'):
        raise RuntimeError('chromium is required for the browser tests on CI (apt-get install chromium)')
    pytest.skip('chromium is not installed', allow_module_level=True)


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still
    # synchronous, so Django's async-safety check must be told so.
    os.environ['DJANGO_ALLOW_ASYNC_UNSAFE'] = 'true'
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        )
        yield instance
        instance.close()
    os.environ.pop('DJANGO_ALLOW_ASYNC_UNSAFE', None)


def login(page, base, username):
    page.goto(f'{base}/accounts/login/')
    page.fill('input[name=username]', username)
    page.fill('input[name=password]', PASSWORD)
    page.click('button[type=submit]')
    page.wait_for_url(f'{base}/')


def test_agent_files_and_classifies_a_phone_call(live_server, browser, org, processes):
    """SD-01/SD-02: record the call, then classify and prioritise it; the diagram follows the state."""
    from gongdan.tickets.models import Ticket

    base = live_server.url
    page = browser.new_page()
    page.context.add_cookies([{'name': 'django_language', 'value': 'en', 'url': base}])
    login(page, base, 'agent')

    page.goto(f'{base}/tickets/new/sd_event/')
    page.select_option('select[name=customer]', str(org.customer_a.pk))
    page.fill('input[name=title]', '财务系统无法登录')
    page.fill('textarea[name=description]', '财务部全员无法登录财务系统')
    page.fill('input[name=reporter_name]', '王五')
    page.fill('input[name=reporter_phone]', '13812345678')
    page.fill('input[name=symptom]', '登录页报错 500')
    page.locator('form:has(input[name=title]) button[type=submit]').click()
    page.wait_for_url(f'{base}/tickets/SD-*/')
    ticket = Ticket.objects.get(title='财务系统无法登录')
    assert ticket.number in page.inner_text('body')
    assert ticket.customer == org.customer_a

    # The process diagram is drawn by mermaid in the browser, with the current state highlighted.
    page.wait_for_selector('svg', timeout=15000)

    page.click('a[data-action=classify]')
    modal = page.locator('#gd-action-modal-content')
    modal.locator('select[name=category]').select_option('software')
    modal.locator('select[name=urgency]').select_option('high')
    modal.locator('select[name=impact]').select_option('high')
    modal.locator('button[type=submit]').click()
    # Success redirects (HX-Redirect) to the ticket, where the actions of the next state replace "classify".
    page.wait_for_selector('a[data-action=classify]', state='detached')
    page.wait_for_selector('a[data-action=dispatch]')
    ticket.refresh_from_db()
    assert (ticket.state, ticket.priority, ticket.category) == ('phone_support', 'p1', 'software')
    assert ticket.events.filter(transition='classify').exists()
    assert 'Classify and start phone support' in page.inner_text('body')

    # A contact of another customer organisation cannot even tell the ticket exists.
    other = browser.new_page()
    login(other, base, 'customer_b')
    response = other.goto(f'{base}{ticket.get_absolute_url()}')
    assert response.status == 404


def test_sla_countdowns_tick_live_on_the_ticket_and_in_the_queue(live_server, browser, org, processes):
    """Issue #3 (UI): a CRC-07 fault ticket filed 12 minutes ago has breached its 10-minute acceptance and still
    runs its 180-minute restoration clock. In the browser, the running countdown counts down second by second
    (sla.js), the breached one reads "overdue" in red, and the queue's SLA badge ticks too."""
    import datetime as dt
    import re

    from django.utils import timezone

    from gongdan.sla.sweep import sweep
    from gongdan.tickets.actions import do_create_ticket

    filed = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=12)
    ticket = do_create_ticket(
        'crc_fault',
        actor=org.agent,
        title='专线中断',
        customer=org.customer_a,
        values={'fault_kind': 'interruption', 'circuit_id': 'SH-MSTP-0099'},
        at=filed,
    )
    sweep()  # the 10-minute acceptance deadline has passed: it fires now
    base = live_server.url
    page = browser.new_page()
    page.context.add_cookies([{'name': 'django_language', 'value': 'en', 'url': base}])
    login(page, base, 'agent')
    page.goto(f'{base}{ticket.get_absolute_url()}')

    rows = page.locator('#sla-clocks .gd-clock')
    restoration = rows.filter(has_text='Restoration').locator('.gd-countdown')
    acceptance = rows.filter(has_text='Acceptance').locator('.gd-countdown')

    def seconds_left(text: str) -> int:
        h, m, s = map(int, re.search(r'(\d\d):(\d\d):(\d\d)', text).groups())
        return h * 3600 + m * 60 + s

    page.wait_for_function("() => /\\d\\d:\\d\\d:\\d\\d/.test(document.querySelector('.gd-countdown').textContent)")
    first = seconds_left(restoration.inner_text())
    assert 167 * 60 <= first <= 168 * 60  # 180 minutes from the filing, 12 minutes ago
    page.wait_for_timeout(2500)
    assert 1 <= first - seconds_left(restoration.inner_text()) <= 4  # it ticks in the browser
    assert 'overdue' in acceptance.inner_text()
    assert 'bg-red-lt' in acceptance.get_attribute('class')

    page.goto(f'{base}/tickets/?process=crc_fault')
    badge = page.locator(f'tr:has-text("{ticket.number}") [data-deadline]').first
    page.wait_for_function(
        '(el) => /\\d\\d:\\d\\d:\\d\\d/.test(el.textContent)', arg=badge.element_handle(), timeout=5000
    )
    before = seconds_left(badge.inner_text())
    page.wait_for_timeout(2500)
    assert 1 <= abs(before - seconds_left(badge.inner_text())) <= 4  # the most pressing clock, live
