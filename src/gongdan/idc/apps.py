from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdcConfig(AppConfig):
    name = 'gongdan.idc'
    label = 'idc'
    verbose_name = _('IDC inventory')

    def ready(self):
        # Register the IDC capacity guards (IDC-07) that process files may name.
        from . import guards  # noqa: F401
