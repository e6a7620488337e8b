"""Indexes that let the wall's "current state" figures be counted from an index alone (docs/reports.md, Speed).

- ``reports_ticket_open_cells``: the open tickets (kind new/open/pending) with every column the wall groups or
  filters them by (team, kind, process, state, creation time for the age buckets, customer, id). Partial, so a
  resolved or closed ticket leaves it and the 400,000 done tickets of a large desk are not in it; PostgreSQL counts
  the open-ticket cells with an index-only scan instead of reading the ticket rows.
- ``reports_sla_clock_open_breached``: the clocks still running or paused after their deadline (the wall's
  "breached" series, the queue's ``sla=breached``), with the columns the wall groups them by. Stopped clocks
  (nearly all of them) are not in it.

Created here (plain SQL valid on PostgreSQL and SQLite) rather than in the tickets/sla models, as 0002 did, so that
those apps carry no migration for a reader's need. Like every index, they are kept exact by the database on each
write: nothing has to refresh them.

Also ``RollupState.folded``: the ticket versions the last refresh folded in (the refresh skips them next time).
"""

from django.db import migrations, models

OPEN_CELLS = 'reports_ticket_open_cells'
OPEN_BREACHED = 'reports_sla_clock_open_breached'


class Migration(migrations.Migration):
    dependencies = [
        ('reports', '0003_report_kinds_daily_weekly'),
        ('tickets', '0004_ticketevent_kind_emergency'),
        ('sla', '0002_timer_notify_pending'),
    ]

    operations = [
        migrations.AddField(
            model_name='rollupstate',
            name='folded',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS {OPEN_CELLS} ON tickets_ticket '
            '(team_id, state_kind, process_id, state, created_at, customer_id, id) '
            "WHERE state_kind IN ('new', 'open', 'pending')",
            f'DROP INDEX IF EXISTS {OPEN_CELLS}',
        ),
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS {OPEN_BREACHED} ON sla_clock (key, title, title_en, ticket_id) '
            "WHERE outcome = 'breached' AND status IN ('running', 'paused')",
            f'DROP INDEX IF EXISTS {OPEN_BREACHED}',
        ),
    ]
