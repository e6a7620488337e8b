from django.apps import AppConfig


class UtilitiesConfig(AppConfig):
    name = 'gongdan.utilities'
    label = 'utilities'
    verbose_name = 'Utilities'
