"""/api/v1/: aggregates the routes of the apps; each app owns its api/ package (NetBox layout).

Authentication: ``POST auth/token/`` gives a token, sent as ``Authorization: Token <token>``; the browser session
works too. Errors are JSON ``{code, detail, fields}`` (utilities/api.py), including for unknown API paths.
"""

from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.decorators import api_view, authentication_classes, permission_classes, schema

from gongdan.utilities.api import error_response


@api_view(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'])
@authentication_classes([])
@permission_classes([])
@schema(None)
def not_found(request, path=''):
    """Unknown API paths answer in the API's JSON error shape rather than with an HTML page."""
    return error_response('not_found', _('No such API endpoint.'), 404)


urlpatterns = [
    path('', include('gongdan.accounts.api.urls')),
    path('', include('gongdan.tickets.api.urls')),
    path('', include('gongdan.approvals.api.urls')),
    path('', include('gongdan.workflow.api.urls')),
    path('', include('gongdan.customers.api.urls')),
    path('', include('gongdan.sla.api.urls')),
    path('', include('gongdan.notifications.api.urls')),
    path('', include('gongdan.idc.api.urls')),
    path('', include('gongdan.billing.api.urls')),
    path('', include('gongdan.emergencies.api.urls')),
    path('', include('gongdan.callbacks.api.urls')),
    path('', include('gongdan.notices.api.urls')),
    path('', include('gongdan.crc.api.urls')),
    path('', include('gongdan.repairs.api.urls')),
    path('', include('gongdan.knowledge.api.urls')),
    path('', include('gongdan.inspections.api.urls')),
    path('', include('gongdan.credentials.api.urls')),
    path('', include('gongdan.projectdocs.api.urls')),
    path('schema/', SpectacularAPIView.as_view(), name='api-schema'),
    path('docs/', SpectacularSwaggerView.as_view(url_name='api-schema'), name='api-docs'),
    re_path(r'^(?P<path>.*)$', not_found),
]
