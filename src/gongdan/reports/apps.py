from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """KPIs, the supervisor's dashboard and the periodic reports (issue #6 part 2). Read-only over the tickets,
    their timeline and the SLA clocks; its only tables are the daily rollup (a derived cache, rebuilt from those
    rows), the report subscriptions and their deliveries. See docs/reports.md."""

    name = 'gongdan.reports'
    label = 'reports'
    verbose_name = _('Reports')

    def ready(self):
        # The notification event type of a scheduled report, and the worker's rollup and subscription jobs.
        from . import notify, tasks  # noqa: F401
