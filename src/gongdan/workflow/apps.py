from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = 'gongdan.workflow'
    label = 'workflow'
    verbose_name = _('Workflow')

    def ready(self):
        # Register the named guards and effects process files may use (other apps register theirs in ready()).
        from . import effects, guards  # noqa: F401
