from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = 'gongdan.billing'
    label = 'billing'
    verbose_name = _('Billing')

    def ready(self):
        # The arrears guard process files may name (IDC-06/IDC-07) and the payment notice e-mail (IDC-12).
        from . import guards, notify  # noqa: F401
