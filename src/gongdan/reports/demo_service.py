"""Demo report subscriptions of the service reports (SVC-09, SD-01, SVC-10), made through the actions: the
director gets the daily complaint summary every morning (PDF) and the satisfaction report every week (Excel).
Idempotent: a subscription that exists is not made again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .actions import do_subscribe
from .models import ReportSubscription

if TYPE_CHECKING:
    from gongdan.utilities.demo import Directory

SUBSCRIPTIONS = (
    ('director', 'complaints_daily', 'daily', 'pdf'),
    ('director', 'satisfaction', 'weekly', 'xlsx'),
    ('director', 'complaints', 'monthly', 'xlsx'),
)


def build_report_subscriptions(directory: Directory) -> int:
    made = 0
    for username, kind, frequency, fmt in SUBSCRIPTIONS:
        user = directory.users.get(username)
        if user is None or ReportSubscription.objects.filter(recipient=user, kind=kind).exists():
            continue
        do_subscribe(actor=None, recipient=user, kind=kind, frequency=frequency, format=fmt)
        made += 1
    return made
