"""/api/v1/ routes of project documentation (SVC-07): the files of an archived project, for the requester of a
granted access request. ``tickets/{id}`` is the access request; every download is written to both timelines."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from gongdan.projectdocs import queries
from gongdan.projectdocs.actions import do_read_archived_file


def _file_row(attachment) -> dict:
    return {
        'id': attachment.pk,
        'filename': attachment.filename,
        'size': attachment.size,
        'content_type': attachment.content_type,
        'sha256': attachment.sha256,
        'uploaded_at': attachment.created_at,
    }


class ArchiveFileListView(APIView):
    """The archived project's files (names only; reading one is the download below)."""

    @extend_schema(
        summary="An archived project's files (approved access)",
        operation_id='tickets_archive_files_list',
        responses={200: OpenApiResponse(description='{project: {id, number, title}, files: [...]}')},
    )
    def get(self, request, pk: int):
        _access, project = queries.access_grant(request.user, int(pk))
        files = [_file_row(a) for a in queries.archived_files(project)]
        return Response(
            {'project': {'id': project.pk, 'number': project.number, 'title': project.title}, 'files': files}
        )


class ArchiveFileDownloadView(APIView):
    """Download one file of the archived project; the read is recorded first (SVC-07)."""

    @extend_schema(
        summary='Download an archived project file', responses={200: OpenApiResponse(description='the file')}
    )
    def get(self, request, pk: int, attachment_id: int):
        access, attachment = queries.access_archived_file(request.user, int(pk), int(attachment_id))
        do_read_archived_file(access, attachment, actor=request.user)
        handle = attachment.file.open('rb')
        return FileResponse(
            handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
        )
