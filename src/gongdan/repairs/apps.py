from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = 'gongdan.repairs'
    label = 'repairs'
    verbose_name = _('Repair work orders')

    def ready(self):
        # The guard and effect processes/sd_event.yaml names: work_order_signed, issue_work_order (SD-04/SD-05).
        from . import hooks  # noqa: F401
