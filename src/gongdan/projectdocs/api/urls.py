from django.urls import path

from .views import ArchiveFileDownloadView, ArchiveFileListView

urlpatterns = [
    path('tickets/<int:pk>/archive-files/', ArchiveFileListView.as_view(), name='api-ticket-archive-files'),
    path(
        'tickets/<int:pk>/archive-files/<int:attachment_id>/',
        ArchiveFileDownloadView.as_view(),
        name='api-ticket-archive-file',
    ),
]
