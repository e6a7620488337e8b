from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = 'gongdan.knowledge'
    label = 'knowledge'
    verbose_name = _('Knowledge base')

    def ready(self):
        # The effect process files may name: draft_knowledge_article (SVC-12, SD-06).
        from . import hooks  # noqa: F401
