"""Serving a stored attachment, for the ticket page and the API alike (after their access checks)."""

from __future__ import annotations

from django.http import FileResponse

from .actions import SAFE_CONTENT_TYPES
from .models import Attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Stream the file; only known-harmless types are shown inline, and the browser may not sniff another."""
    inline = attachment.content_type in SAFE_CONTENT_TYPES
    response = FileResponse(
        attachment.file.open('rb'),
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else 'application/octet-stream',
    )
    response['X-Content-Type-Options'] = 'nosniff'
    return response
