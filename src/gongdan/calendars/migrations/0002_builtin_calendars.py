"""Ship cn-workday and 24x7 and seed the national holidays and 调休 make-up workdays from chinese-calendar
(issue #3). Idempotent; ``gongdan calendar seed`` re-runs the national part after a package upgrade."""

from django.db import migrations


def seed(apps, schema_editor):
    from gongdan.calendars import builtin

    builtin.ensure_calendars(apps.get_model('calendars', 'Calendar'), apps.get_model('calendars', 'WorkingPeriod'))
    builtin.seed_national_rows(
        apps.get_model('calendars', 'CalendarOverride'), apps.get_model('calendars', 'NationalDataYear')
    )


class Migration(migrations.Migration):
    dependencies = [('calendars', '0001_initial')]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
