"""Read-only admin views of the credential register: every change goes through credentials/actions.py (the pages
of this app), so the admin only lists and shows. Filed passwords are not shown here at all."""

from django.contrib import admin

from .models import Grant, MonthEndReview, RotationRound, System


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(System)
class SystemAdmin(ReadOnlyAdmin):
    list_display = ('key', 'name', 'access_type', 'owner_team', 'is_active')
    list_filter = ('access_type', 'is_active')
    search_fields = ('key', 'name')


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ('ticket', 'system', 'grantee_name', 'staff_kind', 'valid_until', 'is_emergency', 'revoked_at')
    list_filter = ('system', 'staff_kind', 'is_emergency')
    search_fields = ('grantee_name', 'ticket__number')


@admin.register(RotationRound)
class RotationRoundAdmin(ReadOnlyAdmin):
    list_display = ('system', 'quarter_start', 'ticket', 'filed_at', 'notified_at')


@admin.register(MonthEndReview)
class MonthEndReviewAdmin(ReadOnlyAdmin):
    list_display = ('month', 'opened_at', 'reviewed_by', 'reviewed_at')
