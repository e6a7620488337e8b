from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = 'gongdan.service'
    label = 'service'
    verbose_name = _('Customer service requests')

    def ready(self):
        # Register the guards and effects of processes/svc_request.yaml and svc_planned.yaml (SVC-08, CSC-03/04).
        from . import effects, guards  # noqa: F401
