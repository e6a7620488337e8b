from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    """Emergencies (紧急事件) and Red Flags: CSC-01 criteria, the engineering manager's confirmation, the 24-hour
    contact list (CSC-05) that is paged on confirmation, and the banner every agent sees (CSC-02)."""

    name = 'gongdan.emergencies'
    label = 'emergencies'
    verbose_name = _('Emergencies')
