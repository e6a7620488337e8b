from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Customer complaints (SVC-10): the urgent-complaint report, the daily summary and the periodic report.

    The complaint itself is a ticket of the ``svc_complaint`` process (processes/svc_complaint.yaml); this app
    adds what a process file cannot say: the notifications, the daily summary rows and the report pages.
    """

    name = 'gongdan.complaints'
    label = 'complaints'
    verbose_name = _('Complaints')

    def ready(self):
        # The notification event types of complaints, and the worker's daily summary job.
        from . import notifications, tasks  # noqa: F401
