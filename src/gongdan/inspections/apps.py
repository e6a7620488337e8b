from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Scheduled system inspections (系统巡检, SVC-11): inspection plans and their checklists, the inspection tickets
    the scheduler files (processes/svc_inspection.yaml), the results per checklist item, the fault ticket an abnormal
    urgent item opens at once, the written inspection report (PDF) and the daily maintenance report."""

    name = 'gongdan.inspections'
    label = 'inspections'
    verbose_name = _('Inspections')

    def ready(self):
        # The guards and effects of svc_inspection.yaml, the notification event types and the scheduler job.
        from . import guards, notifications, tasks  # noqa: F401
