"""Prepared statements (utilities/prepared.py) and the SQLite writer lock (utilities/writelock.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongdan.tickets.models import SavedView, TicketSearch, TicketSequence
from gongdan.utilities import writelock
from gongdan.utilities.prepared import PreparedQuery, add_related, insert_row, upsert_row

_SAVED_VIEWS = PreparedQuery(
    lambda owner_id: SavedView.objects.filter(owner_id=owner_id).values_list('name', 'created_at'), -918273645
)


def test_prepared_query_converts_values_like_the_orm(org):
    SavedView.objects.create(owner=org.agent, name='我的待办', query='state_kind=open')
    rows = _SAVED_VIEWS.rows(org.agent.pk)
    assert rows == list(SavedView.objects.filter(owner=org.agent).values_list('name', 'created_at'))
    assert timezone.is_aware(rows[0][1])
    assert _SAVED_VIEWS.rows(org.engineer.pk) == []


def test_prepared_query_is_one_statement_compiled_once(org):
    _SAVED_VIEWS.rows(org.agent.pk)
    with CaptureQueriesContext(connection) as captured:
        _SAVED_VIEWS.rows(org.agent.pk)
        _SAVED_VIEWS.rows(org.engineer.pk)
    assert len(captured.captured_queries) == 2
    assert captured.captured_queries[0]['sql'].startswith('SELECT')


def test_an_example_value_must_appear_once(db):
    query = PreparedQuery(lambda a: SavedView.objects.filter(owner_id=a, pk=a).values_list('name'), -918273645)
    with pytest.raises(ValueError, match='appears 2 times'):
        query.rows(1)


def test_insert_row_writes_what_save_would(org):
    view = SavedView(owner=org.agent, name='全部', query='')
    with CaptureQueriesContext(connection) as captured:
        insert_row(view)
    assert len(captured.captured_queries) == 1
    assert view.pk is not None and not view._state.adding
    stored = SavedView.objects.get(pk=view.pk)
    assert (stored.owner_id, stored.name, stored.query) == (org.agent.pk, '全部', '')
    assert stored.created_at == view.created_at  # auto_now_add ran (pre_save), as in save()
    second = insert_row(SavedView(owner=org.agent, name='第二个', query='x'))
    assert second.pk != view.pk


def test_insert_row_leaves_models_with_receivers_to_save(org):
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.name, created))

    signals.post_save.connect(receiver, sender=SavedView)
    try:
        insert_row(SavedView(owner=org.agent, name='有接收者', query=''))
    finally:
        signals.post_save.disconnect(receiver, sender=SavedView)
    assert seen == [('有接收者', True)]


def test_insert_row_leaves_expressions_to_save(org):
    from gongdan.utilities.prepared import _cache

    view = SavedView(owner=org.agent, name='表达式', query='')
    view.created_at = Now()
    insert_row(view)
    assert SavedView.objects.get(pk=view.pk).created_at is not None
    plain = insert_row(SavedView(owner=org.agent, name='普通', query=''))  # still gets the prepared statement
    assert _cache(connections['default'])[('insert', SavedView)] is not None
    assert SavedView.objects.get(pk=plain.pk).name == '普通'
    row = insert_row(TicketSequence(prefix='ZZ', day=dt.date(2026, 1, 1), last=1))
    assert TicketSequence.objects.get(pk=row.pk).day == dt.date(2026, 1, 1)


def test_upsert_row_inserts_then_updates(org, processes):
    from gongdan.tickets.actions import do_create_ticket

    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='测试',
        values={'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无'},
    )
    TicketSearch.objects.filter(ticket=ticket).delete()
    upsert_row(
        TicketSearch(ticket_id=ticket.pk, public_text='a', internal_text=''),
        unique_fields=['ticket'],
        update_fields=['public_text', 'internal_text'],
    )
    upsert_row(
        TicketSearch(ticket_id=ticket.pk, public_text='b c', internal_text='d'),
        unique_fields=['ticket'],
        update_fields=['public_text', 'internal_text'],
    )
    document = TicketSearch.objects.get(ticket=ticket)
    assert (document.public_text, document.internal_text) == ('b c', 'd')


# --- SQLite writer lock ------------------------------------------------------------------------------
def test_writer_lock_is_a_no_op_inside_a_transaction_and_for_memory_databases(db, tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, 'NAME', str(tmp_path / 'db.sqlite3'))
    with transaction.atomic(), writelock.sqlite_writer_turn():
        pass  # pytest-django runs each test in a transaction: the outer one already holds the database
    assert not (tmp_path / 'db.sqlite3.writer-lock').exists()


@pytest.mark.skipif(writelock.fcntl is None, reason='no fcntl on this platform')
def test_writer_lock_excludes_other_writers(db, tmp_path, monkeypatch):
    if connection.vendor != 'sqlite':
        pytest.skip('SQLite only')
    import fcntl
    import os

    wrapper = connections['default']
    monkeypatch.setitem(wrapper.settings_dict, 'NAME', str(tmp_path / 'db.sqlite3'))
    monkeypatch.setattr(wrapper, 'is_in_memory_db', lambda: False)
    other = os.open(tmp_path / 'db.sqlite3.writer-lock', os.O_RDWR | os.O_CREAT)
    wrapper.in_atomic_block = False  # as outside pytest-django's test transaction (restored below)
    try:
        with writelock.sqlite_writer_turn(), pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another writer has to wait
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after the block
    finally:
        wrapper.in_atomic_block = True
        os.close(other)


def test_add_related_is_watchers_add_in_one_statement(org, processes):
    from gongdan.tickets.actions import do_create_ticket
    from gongdan.tickets.models import Ticket

    values = {'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无法登录'}
    ticket = do_create_ticket('sd_event', actor=org.agent, title='关注者', values=values)
    ticket = Ticket.objects.prefetch_related('watchers').get(pk=ticket.pk)
    assert list(ticket.watchers.all()) == [org.agent]  # the create effect watch_by_actor
    with CaptureQueriesContext(connection) as captured:
        add_related(ticket, 'watchers', org.engineer)
        add_related(ticket, 'watchers', org.engineer.pk)  # already there: ignored, as add() ignores it
        add_related(ticket, 'watchers', org.agent)
    assert len(captured.captured_queries) == 3
    assert all(q['sql'].startswith('INSERT') for q in captured.captured_queries)
    assert 'watchers' not in ticket._prefetched_objects_cache  # the prefetched set is stale: dropped, as add()
    assert set(ticket.watchers.values_list('username', flat=True)) == {'agent', org.engineer.username}
    assert Ticket.watchers.through.objects.filter(ticket=ticket).count() == 2


def test_add_related_leaves_m2m_receivers_to_add(org, processes):
    from gongdan.tickets.actions import do_create_ticket
    from gongdan.tickets.models import Ticket

    values = {'reporter_name': '张三', 'reporter_phone': '13800000000', 'symptom': '无法登录'}
    ticket = do_create_ticket('sd_event', actor=org.agent, title='接收者', values=values)
    seen = []

    def receiver(action, pk_set, **kwargs):
        seen.append((action, pk_set))

    signals.m2m_changed.connect(receiver, sender=Ticket.watchers.through)
    try:
        add_related(ticket, 'watchers', org.engineer)
    finally:
        signals.m2m_changed.disconnect(receiver, sender=Ticket.watchers.through)
    assert seen == [('pre_add', {org.engineer.pk}), ('post_add', {org.engineer.pk})]
    assert ticket.watchers.filter(pk=org.engineer.pk).exists()
    with pytest.raises(TypeError):  # a wrong kind of object: Django's own error
        add_related(ticket, 'watchers', ticket)
