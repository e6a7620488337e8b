"""Approval requests and decisions, read-only: they are opened and decided only through approvals/actions.py."""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin, ReadOnlyInline

from .models import ApprovalRequest, ApprovalTask


class ApprovalTaskInline(ReadOnlyInline):
    model = ApprovalTask
    fields = ('order', 'approver', 'decision', 'comment', 'decided_at')
    show_change_link = False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('ticket', 'step', 'mode', 'state', 'status', 'requested_by', 'created_at', 'decided_at')
    list_filter = ('status', 'mode', 'step')
    search_fields = ('ticket__number', 'step')
    list_select_related = ('ticket', 'requested_by')
    inlines = [ApprovalTaskInline]
