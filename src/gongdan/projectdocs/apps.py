from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectDocsConfig(AppConfig):
    """Project documentation handover and controlled access to archived project files (SVC-07).

    The handover is a ticket of ``svc_doc_handover`` (processes/svc_doc_handover.yaml), an access request one of
    ``svc_doc_access``; this app adds what a process file cannot say: the guards and effects (versions match, an
    expansion or change links the earlier project, the access request names an archived project), and the download
    of an archived project's files by the requester of an approved access request, each access in the timelines.
    No models: everything is tickets, attachments and timeline rows.
    """

    name = 'gongdan.projectdocs'
    label = 'projectdocs'
    verbose_name = _('Project documentation')

    def ready(self):
        from . import guards  # noqa: F401  (the guards and effects of the two processes)
