"""The read-only staff pages (/calendars/, /calendars/<key>/?year=) and the admin, which writes through the
actions (version bump, signal)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from gongdan.calendars.models import Calendar, CalendarOverride
from gongdan.calendars.queries import get_schedule
from gongdan.calendars.signals import calendar_changed


def test_calendar_list_for_staff(client, org):
    client.force_login(org.agent)
    response = client.get(reverse('calendars:calendar_list'))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-calendar="cn-workday"' in html and 'data-calendar="24x7"' in html
    assert '2004–2026' in html
    # The navigation links the page for staff.
    assert f'href="{reverse("calendars:calendar_list")}"' in html


def test_calendar_year_grid(client, org):
    """2026 on cn-workday: 国庆 holidays, the 调休 Saturday, 248 working days, no coverage warning."""
    client.force_login(org.agent)
    response = client.get(reverse('calendars:calendar_detail', kwargs={'key': 'cn-workday'}), {'year': 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'data-date="2026-10-01" data-kind="holiday"\s+title="2026-10-01 [^"]*国庆节', html)
    assert 'data-date="2026-10-10" data-kind="workday"' in html
    assert 'data-date="2026-10-12" data-kind="working"' in html
    assert 'data-date="2026-10-11" data-kind="off"' in html
    assert '<div data-testid="working-days">248</div>' in html
    assert 'data-testid="coverage-warning"' not in html


def test_calendar_year_grid_warns_beyond_the_data(client, org):
    client.force_login(org.agent)
    response = client.get(reverse('calendars:calendar_detail', kwargs={'key': 'cn-workday'}), {'year': '2027'})
    html = response.content.decode()
    assert 'data-testid="coverage-warning"' in html and '2027' in html
    # 24x7 does not follow national data: never a warning.
    response = client.get(reverse('calendars:calendar_detail', kwargs={'key': '24x7'}), {'year': '2027'})
    assert 'data-testid="coverage-warning"' not in response.content.decode()


def test_calendar_year_defaults_and_bad_values(client, org):
    client.force_login(org.agent)
    url = reverse('calendars:calendar_detail', kwargs={'key': 'cn-workday'})
    this_year = str(dt.date.today().year)
    for value in ('', 'abc', '99999', '-1'):
        response = client.get(url, {'year': value})
        assert response.status_code == 200
        assert response.context['year'] == int(this_year)
    assert client.get(reverse('calendars:calendar_detail', kwargs={'key': 'nope'})).status_code == 404


def test_calendar_pages_are_staff_only(client, org):
    client.force_login(org.customer_user_a)
    assert client.get(reverse('calendars:calendar_list')).status_code == 404
    assert client.get(reverse('calendars:calendar_detail', kwargs={'key': 'cn-workday'})).status_code == 404


# --- admin ------------------------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client, org):
    org.admin.is_staff = True
    org.admin.save()
    client.force_login(org.admin)
    return client


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f'{prefix}-TOTAL_FORMS': str(len(rows)),
        f'{prefix}-INITIAL_FORMS': str(initial),
        f'{prefix}-MIN_NUM_FORMS': '0',
        f'{prefix}-MAX_NUM_FORMS': '1000',
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f'{prefix}-{i}-{key}'] = value
    return data


def test_admin_creates_a_calendar_through_the_actions(admin_client):
    data = {
        'key': 'night-shift',
        'name': '夜班',
        'name_en': 'Night shift',
        'time_zone': 'Asia/Shanghai',
        'is_active': 'on',
        **inline(
            'periods',
            [
                {'weekday': '0', 'start': '18:00', 'end': '24:00'},
                {'weekday': '1', 'start': '00:00', 'end': '06:00'},
            ],
        ),
    }
    response = admin_client.post(reverse('admin:calendars_calendar_add'), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    calendar = Calendar.objects.get(key='night-shift')
    assert not calendar.follows_national
    assert sorted(calendar.periods.values_list('weekday', 'start_minute', 'end_minute')) == [
        (0, 1080, 1440),
        (1, 0, 360),
    ]
    schedule = get_schedule(calendar)
    start = dt.datetime(2026, 3, 9, 23, 0, tzinfo=schedule.tz)  # Monday 23:00
    assert schedule.add_working(start, 2 * 3600) == dt.datetime(2026, 3, 10, 1, 0, tzinfo=schedule.tz)


def test_admin_refuses_overlapping_periods(admin_client):
    data = {
        'key': 'bad',
        'name': 'bad',
        'time_zone': 'Asia/Shanghai',
        **inline(
            'periods',
            [{'weekday': '0', 'start': '09:00', 'end': '12:00'}, {'weekday': '0', 'start': '11:00', 'end': '13:00'}],
        ),
    }
    response = admin_client.post(reverse('admin:calendars_calendar_add'), data)
    assert response.status_code == 200
    assert '重叠' in response.content.decode()  # the admin speaks Chinese by default
    assert not Calendar.objects.filter(key='bad').exists()


def test_admin_changes_the_weekly_pattern_and_signals(admin_client, django_capture_on_commit_callbacks):
    calendar = Calendar.objects.get(key='cn-workday')
    periods = list(calendar.periods.order_by('weekday', 'start_minute'))
    rows = [
        {
            'id': str(p.pk),
            'calendar': str(calendar.pk),
            'weekday': str(p.weekday),
            'start': '09:00' if p.start_minute == 540 else '13:00',
            'end': '12:00' if p.end_minute == 720 else '18:00',
        }
        for p in periods
    ]
    rows[0]['start'] = '08:30'  # Monday morning starts earlier
    rows[-1]['DELETE'] = 'on'  # Friday afternoon off
    data = {
        'name': calendar.name,
        'name_en': calendar.name_en,
        'time_zone': 'Asia/Shanghai',
        'follows_national': 'on',
        'is_active': 'on',
        **inline('periods', rows, initial=len(rows)),
    }
    seen = []
    calendar_changed.connect(
        lambda sender, calendar_ids=None, **kw: seen.append(calendar_ids), weak=False, dispatch_uid='t-admin'
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse('admin:calendars_calendar_change', args=[calendar.pk]), data)
    finally:
        calendar_changed.disconnect(dispatch_uid='t-admin')
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar.refresh_from_db()
    assert calendar.version == 2
    assert seen == [[calendar.pk]]
    weekly = get_schedule(calendar).weekly
    assert weekly[0] == ((8 * 3600 + 1800, 12 * 3600), (13 * 3600, 18 * 3600))
    assert weekly[4] == ((9 * 3600, 12 * 3600),)


def test_admin_override_add_change_delete(admin_client, org):
    calendar = Calendar.objects.get(key='cn-workday')
    url = reverse('admin:calendars_calendaroverride_add')
    response = admin_client.post(
        url,
        {
            'calendar': str(calendar.pk),
            'date': '2026-06-01',
            'kind': 'hours',
            'periods_text': '09:00-12:00',
            'name': '半天',
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarOverride.objects.get(calendar=calendar, date=dt.date(2026, 6, 1))
    assert (row.periods, row.source) == ([['09:00', '12:00']], 'admin')
    assert (
        get_schedule('cn-workday').working_seconds_between(
            dt.datetime(2026, 6, 1, tzinfo=dt.UTC), dt.datetime(2026, 6, 2, tzinfo=dt.UTC)
        )
        == 3 * 3600
    )

    response = admin_client.post(
        reverse('admin:calendars_calendaroverride_change', args=[row.pk]),
        {
            'calendar': str(calendar.pk),
            'date': '2026-06-01',
            'kind': 'holiday',
            'periods_text': '09:00-10:00',
            'name': 'x',
        },
    )
    assert response.status_code == 200  # a holiday with hours is refused
    response = admin_client.post(
        reverse('admin:calendars_calendaroverride_change', args=[row.pk]),
        {'calendar': str(calendar.pk), 'date': '2026-06-01', 'kind': 'holiday', 'periods_text': '', 'name': '停工'},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.name) == ('holiday', '停工')

    listing = admin_client.get(
        reverse('admin:calendars_calendaroverride_changelist'), {'year': '2026', 'kind': 'holiday'}
    )
    assert listing.status_code == 200 and '停工' in listing.content.decode()

    response = admin_client.post(reverse('admin:calendars_calendaroverride_delete', args=[row.pk]), {'post': 'yes'})
    assert response.status_code == 302
    assert not CalendarOverride.objects.filter(pk=row.pk).exists()
    assert get_schedule('cn-workday').is_working(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC))


def test_customer_and_team_admin_offer_the_calendar(admin_client, org):
    response = admin_client.get(reverse('admin:customers_customer_change', args=[org.customer_a.pk]))
    assert 'name="calendar"' in response.content.decode()
    response = admin_client.get(reverse('admin:accounts_team_change', args=[org.teams['network_ops'].pk]))
    assert 'name="calendar"' in response.content.decode()
