"""Service notices in the admin, read-only: they are published and withdrawn on the notices pages (actions)."""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .models import ServiceNotice


@admin.register(ServiceNotice)
class ServiceNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('title', 'kind', 'audience', 'starts_at', 'ends_at', 'withdrawn_at', 'created_by')
    list_filter = ('kind', 'audience')
    search_fields = ('title', 'affected_systems')
