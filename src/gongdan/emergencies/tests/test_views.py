"""The agent pages: the emergency card of a ticket, the engineering manager's decision, the banner and its query
cost, the 24-hour contact list pages (CSC-01, CSC-02, CSC-05)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongdan.emergencies.actions import do_confirm_emergency, do_declare_emergency
from gongdan.emergencies.models import Emergency, PagingContact

from .helpers import file_fault, now0


@pytest.fixture
def fault(rf):
    return file_fault(rf, now0())


def test_card_declares_and_the_manager_confirms(client, rf, fault):
    """CSC-01: the card lists the twelve criteria and declares; CSC-02: it names who must act, and only the
    engineering manager gets the confirm/reject form; confirming opens the Red Flag page."""
    url = reverse('emergencies:ticket_emergency', kwargs={'number': fault.number})
    client.force_login(rf.agent)
    page = client.get(reverse('tickets:ticket', kwargs={'number': fault.number})).content.decode()
    assert f'hx-get="{url}"' in page, 'the ticket page loads the emergency card'
    card = client.get(url).content.decode()
    assert card.count('name="criteria"') == 12 and 'gd-emergency-declare' in card
    # Folded until asked for (the twelve criteria would push the ticket's facts off the sidebar).
    assert 'class="gd-emergency-declare collapse" id="gd-emergency-declare"' in card
    assert 'data-bs-target="#gd-emergency-declare"' in card
    response = client.post(url, {'criteria': [], 'description': 'x'})
    assert response.status_code == 302 and not Emergency.objects.exists()  # refused: no criterion ticked
    response = client.post(url, {'criteria': ['media', 'customer_urgent'], 'description': '媒体已关注'})
    assert response.status_code == 302
    emergency = Emergency.objects.get()
    assert emergency.criteria == ['media', 'customer_urgent']
    card = client.get(url).content.decode()
    assert 'gd-who-acts' in card and 'em' in card and 'name="decision"' not in card
    decide = reverse('emergencies:ticket_emergency_decide', kwargs={'number': fault.number})
    client.post(decide, {'decision': 'confirm'})
    emergency.refresh_from_db()
    assert emergency.status == 'declared', 'an agent cannot confirm'

    client.force_login(rf.manager)
    assert 'name="decision"' in client.get(url).content.decode()
    response = client.post(decide, {'decision': 'confirm', 'comment': '确认'})
    emergency.refresh_from_db()
    assert emergency.status == 'confirmed'
    assert response.status_code == 302 and response['Location'] == emergency.red_flag.get_absolute_url()
    page = client.get(response['Location']).content.decode()
    assert emergency.red_flag.number in page and 'gd-red-flag-banner' in page
    assert emergency.red_flag.number in client.get(reverse('emergencies:banner')).content.decode()
    # The ticket page loads the card lazily: the source ticket's card now shows the Red Flag link.
    assert emergency.red_flag.number in client.get(url).content.decode()


def test_customers_get_no_card_and_no_banner(client, rf, fault):
    """CSC-02: emergencies are internal; the customer's own ticket page shows neither card nor banner."""
    do_confirm_emergency(do_declare_emergency(fault, actor=rf.agent, criteria=['media']), actor=rf.manager)
    client.force_login(rf.customer_user_a)
    url = reverse('emergencies:ticket_emergency', kwargs={'number': fault.number})
    assert client.get(url).status_code == 404
    page = client.get(reverse('tickets:ticket', kwargs={'number': fault.number}))
    assert page.status_code == 200
    assert 'gd-red-flag' not in page.content.decode() and 'gd-emergency' not in page.content.decode()
    assert client.get(reverse('emergencies:contact_list')).status_code == 404


def test_banner_costs_the_page_nothing_and_polls(client, rf, fault, django_assert_num_queries):
    """CSC-02: every staff page carries the banner's htmx shell at no query cost (the main pages' query budgets
    hold); the shell loads the banner at once and every 60 s, one indexed query; customers get no shell."""
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get('/')
    template = Template('{% load emergency_tags %}{% red_flag_banner %}')
    for user, shell in ((rf.agent, True), (rf.customer_user_a, False)):
        request.user = user
        with django_assert_num_queries(0):
            html = template.render(Context({'request': request}))
        assert ('hx-trigger="load, every 60s"' in html) is shell
    client.force_login(rf.engineer)  # team scope: the banner is for every member of staff all the same
    url = reverse('emergencies:banner')
    client.get(url)  # the session and the user are loaded once per request; the banner itself is one query
    with django_assert_num_queries(3):
        partial = client.get(url).content.decode()
    assert 'gd-red-flag-alert' not in partial and 'hx-trigger="every 60s"' in partial
    red_flag = do_confirm_emergency(
        do_declare_emergency(fault, actor=rf.agent, criteria=['media']), actor=rf.manager
    ).red_flag
    partial = client.get(url).content.decode()
    assert 'gd-red-flag-alert' in partial and red_flag.number in partial


def test_contact_list_pages(client, rf):
    """CSC-05: staff see the 24-hour list with phones; its keepers add and change entries (through actions)."""
    url = reverse('emergencies:contact_list')
    client.force_login(rf.agent)
    page = client.get(url).content.decode()
    assert '13900000001' in page and '产品线接口人 周工' in page and 'name="phone"' not in page
    client.post(url, {'name': '张', 'phone': '1', 'side': 'csc'})
    assert not PagingContact.objects.filter(name='张').exists()

    client.force_login(rf.quality)
    response = client.post(url, {'name': '', 'phone': '', 'side': 'csc'})
    assert response.status_code == 400
    response = client.post(url, {'name': '李工', 'phone': '13900000003', 'side': 'branch', 'is_active': 'on'})
    assert response.status_code == 302
    added = PagingContact.objects.get(name='李工')
    assert added.updated_by == rf.quality and added.is_active
    edit = reverse('emergencies:contact_edit', kwargs={'pk': added.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {'name': '李工', 'phone': '13900000004', 'side': 'branch'})
    added.refresh_from_db()
    assert response.status_code == 302 and added.phone == '13900000004' and not added.is_active
