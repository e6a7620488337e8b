"""Top-level URLs: the agent UI, the customer portal, the REST API and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path('accounts/', include('gongdan.accounts.urls')),
    path('api/v1/', include('gongdan.api_urls')),
    path('admin/', admin.site.urls),
    path('i18n/', include('django.conf.urls.i18n')),
    path('notifications/', include('gongdan.notifications.urls')),
    path('complaints/', include('gongdan.complaints.urls')),
    path('reports/', include('gongdan.reports.urls')),
    path('crc/', include('gongdan.crc.urls')),
    path('inspections/', include('gongdan.inspections.urls')),
    path('credentials/', include('gongdan.credentials.urls')),
    path('jsi18n/', JavaScriptCatalog.as_view(), name='javascript-catalog'),
    path('', include('gongdan.emergencies.urls')),
    path('', include('gongdan.callbacks.urls')),
    path('', include('gongdan.notices.urls')),
    path('', include('gongdan.repairs.urls')),
    path('', include('gongdan.knowledge.urls')),
    path('', include('gongdan.calendars.urls')),
    path('', include('gongdan.idc.urls')),
    path('', include('gongdan.billing.urls')),
    path('', include('gongdan.tickets.urls')),
]
