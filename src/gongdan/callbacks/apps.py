from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    """Customer callbacks (客户回访) and satisfaction (SVC-09, SD-01, SD-05, CSC-04).

    A callback task is opened when a ticket reaches a state the callback setting names (a ticket listener, in the
    closing action's transaction); callback campaigns are tickets of ``processes/svc_callback.yaml`` approved by
    the general manager, whose plan draws a stratified random sample with a recorded seed.
    """

    name = 'gongdan.callbacks'
    label = 'callbacks'
    verbose_name = _('Callbacks')

    def ready(self):
        from gongdan.tickets.events import on_ticket_event

        from . import workflow_hooks  # noqa: F401  (guards and effects the callback process names)
        from .actions import callback_listener

        on_ticket_event(callback_listener)
