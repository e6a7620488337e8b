from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrcConfig(AppConfig):
    """The enterprise-customer response center (CRC-01, CRC-04, CRC-05, CRC-08, CRC-09).

    The work itself is tickets of the crc_* processes (processes/crc_*.yaml); this app adds what a process file
    cannot say: the check forms sent to the departments (CRC-04), the extension requests and overdue marks of a
    provisioning order (CRC-05), the circuit ledger (CRC-05), the resource-check ledger, and the guards and
    effects the process files name.
    """

    name = 'gongdan.crc'
    label = 'crc'
    verbose_name = _('Customer response center')

    def ready(self):
        # Register the guards and effects the crc_* process files name.
        from . import guards, notifications  # noqa: F401
