from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Service information notices (服务信息发布, SD-01): system go-live and offline announcements shown to the
    agents and to the customers they are addressed to."""

    name = 'gongdan.notices'
    label = 'notices'
    verbose_name = _('Service notices')
