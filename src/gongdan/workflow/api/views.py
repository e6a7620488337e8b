"""Read-only process endpoints: which ticket types exist and what their files define."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.response import Response

from gongdan.tickets.actions import may_create
from gongdan.utilities.errors import NotFound
from gongdan.workflow.models import Process

from .serializers import ProcessDetailSerializer, ProcessSerializer


class ProcessViewSet(viewsets.ReadOnlyModelViewSet):
    """Active processes (ticket types). Staff see every active process; a customer contact only those they may file.

    ``GET /processes/`` lists them with their intake fields and ``can_create``; ``GET /processes/{key}/`` adds
    the whole validated definition and the version number.
    """

    lookup_field = 'key'
    lookup_value_regex = '[a-z][a-z0-9_]*'
    pagination_class = None
    serializer_class = ProcessSerializer

    def get_queryset(self):
        return Process.objects.filter(is_active=True, current_version__isnull=False).select_related('current_version')

    def _visible(self, processes):
        user = self.request.user
        if user.customer_id is None:
            return list(processes)
        return [p for p in processes if may_create(p, user)]

    def get_serializer_class(self):
        return ProcessDetailSerializer if self.action == 'retrieve' else ProcessSerializer

    def list(self, request, *args, **kwargs):
        processes = self._visible(self.get_queryset())
        return Response(self.get_serializer(processes, many=True).data)

    def get_object(self):
        found = self._visible(self.get_queryset().filter(key=self.kwargs['key']))
        if not found:
            raise NotFound(_('Process not found.'))
        return found[0]
