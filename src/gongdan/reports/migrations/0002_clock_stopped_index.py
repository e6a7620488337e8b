"""An index on the SLA clocks' stop time, for the rollup's "clocks stopped on a day" query (reports/rollup.py).

Created here rather than in the sla app's models so that the sla app carries no migration for a reader's need;
partial (stopped clocks only), so running clocks — the rows the sweeper writes — never touch it.
"""

from django.db import migrations

INDEX = 'reports_sla_clock_stopped_at'


class Migration(migrations.Migration):
    dependencies = [
        ('reports', '0001_initial'),
        ('sla', '0002_timer_notify_pending'),
    ]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON sla_clock (stopped_at) WHERE stopped_at IS NOT NULL',
            f'DROP INDEX IF EXISTS {INDEX}',
        ),
    ]
