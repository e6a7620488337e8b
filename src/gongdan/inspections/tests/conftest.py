"""An inspection desk on top of the shared ``org`` fixture (SVC-11).

- ``inspector`` (inspector role) with a phone, in the ops center;
- ``netadmin`` (network_engineer), the plans' network administrator;
- ``org.gm`` (general_manager), told of major and urgent faults.
A daily plan ``daily-core`` at 09:00 (Asia/Shanghai) with four checklist items over the three SVC-11 systems; the
billing check is urgent when abnormal.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from gongdan.inspections.actions import do_save_plan
from gongdan.utilities.testing import make_user

ITEMS = [
    {'system': 'servers', 'title': '异常服务器备份数据与日志检查'},
    {'system': 'portal', 'title': '门户数据库读取与流媒体服务器状态'},
    {'system': 'portal', 'title': '门户用户活跃情况'},
    {'system': 'billing', 'title': '计费系统运行状态与数据正确性', 'urgent': True},
]
# 2026-12-01 09:00 in Asia/Shanghai
SLOT = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(org, processes):
    org.inspector = make_user(
        'inspector', 'inspector', org_unit=org.ops, email='inspector@example.com', phone='13800001111'
    )
    org.netadmin = make_user('netadmin', 'network_engineer', org_unit=org.ops, email='netadmin@example.com')
    org.gm.email = 'gm@example.com'
    org.gm.save()
    org.plan = do_save_plan(
        'daily-core',
        actor=org.admin,
        name='核心系统日常巡检',
        inspector=org.inspector,
        network_admin=org.netadmin,
        items=ITEMS,
        schedule_kind='daily',
        at_time=dt.time(9, 0),
        starts_at=SLOT - dt.timedelta(days=2, hours=1),
    )
    return org


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
