"""Fixtures of the emergency tests: the org of utilities/testing.py plus an engineering manager, quality, a
24-hour contact list (an account, a person without one, a team with a group robot) and a dispatched fault."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from gongdan.emergencies.actions import do_save_paging_contact
from gongdan.notifications.models import TeamRobot
from gongdan.utilities.testing import make_user


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions on messages read English (as calendars/tests do), and the language active before each test is
    restored after it, so these tests leave no language behind for the next app's tests."""
    with translation.override('en'):
        yield


@pytest.fixture
def rf(org, processes):
    org.manager = make_user('em', 'engineering_manager', org_unit=org.ops, email='em@example.cn')
    org.quality = make_user('qa', 'quality', org_unit=org.company, email='qa@example.cn')
    org.dutylead.email = 'dutylead@example.cn'
    org.dutylead.save()
    team = org.teams['machine_room_ops']
    org.robot = TeamRobot.objects.create(
        team=team,
        name='机房运维群',
        platform='wecom',
        url='https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test',
        event_types=['ticket.assigned'],  # the team takes only assignments; a Red Flag page goes anyway
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    common = {'side': 'csc', 'on_duty': '7×24'}
    org.contact_lead = do_save_paging_contact(
        None,
        actor=org.manager,
        values={**common, 'name': '值班长', 'phone': '13900000001', 'user': org.dutylead, 'team': team, 'duty': '机房'},
    )
    org.contact_tac = do_save_paging_contact(
        None,
        actor=org.manager,
        values={
            'name': '产品线接口人 周工',
            'side': 'product_division',
            'phone': '13900000002',
            'email': 'tac-zhou@vendor.example.cn',
            'organisation': 'BD 传输产品线',
        },
    )
    return org
