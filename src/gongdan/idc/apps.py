from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdcConfig(AppConfig):
    name = 'gongdan.idc'
    label = 'idc'
    verbose_name = _('IDC inventory')

    def ready(self):
        # Register the IDC capacity guards (IDC-07) that process files may name.
        # The order processes' guards/effects (IDC-02/03/05/06) and the resources-freed notification (IDC-05);
        # the guards and effects of the day-to-day processes (IDC-07 to IDC-10).
        from . import (  # noqa: F401
            effects_ops,
            effects_provision,
            guards,
            guards_ops,
            notify_provision,
        )
