"""Read-only admin for emergencies and the contact list: both are changed by actions only (the agent pages)."""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .models import Emergency, PagingContact


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Emergency)
class EmergencyAdmin(ReadOnlyAdmin):
    list_display = ['ticket', 'status', 'declared_by', 'declared_at', 'decided_by', 'red_flag']
    list_filter = ['status']


@admin.register(PagingContact)
class PagingContactAdmin(ReadOnlyAdmin):
    list_display = ['name', 'side', 'organisation', 'duty', 'phone', 'on_duty', 'is_active']
    list_filter = ['side', 'is_active']
