from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Credential (password) access management, SVC-01 … SVC-06 (docs/credentials.md).

    The system register (which systems, how they are reached, who uses them), the grants (every access given,
    emergency ones with their paperwork due afterwards), the quarterly rotation rounds and the month-end review.
    Access requests and rotations are tickets of ``svc_access_request`` and ``svc_password_rotation``
    (processes/); this app adds their guards and effects, the rows they write, and the pages. A filed password is
    stored only encrypted (Fernet, key from ``GONGDAN_CREDENTIALS_KEY``), shown only after a fresh
    re-authentication, and every showing is a timeline row.
    """

    name = 'gongdan.credentials'
    label = 'credentials'
    verbose_name = _('Credential access')

    def ready(self):
        from . import guards, notify  # noqa: F401  (guards/effects of the two processes; notification types)
