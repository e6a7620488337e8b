"""Admin for service categories (editable) and, read-only, tickets with their timeline, comments and attachments.

Tickets change only through actions (tickets/actions.py, workflow/actions.py), which keep the timeline and
the process rules; the admin therefore offers no add, change or delete for them.
"""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin, ReadOnlyInline

from .models import Attachment, Category, Comment, Ticket, TicketEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ('name', 'key', 'parent', 'default_team')
    search_fields = ('key', 'name')
    list_select_related = ('parent', 'default_team')
    autocomplete_fields = ('parent', 'default_team')


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ('created_at', 'actor', 'kind', 'transition', 'from_state', 'to_state', 'changes', 'note', 'is_internal')
    show_change_link = False


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ('created_at', 'author', 'is_internal', 'body')


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    # ``file`` has no URL on purpose (attachments are served only after an access check), so it is not shown.
    fields = ('created_at', 'filename', 'content_type', 'size', 'is_internal', 'uploaded_by')


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('number', 'title', 'process', 'state', 'priority', 'customer', 'team', 'assignee', 'created_at')
    list_filter = ('process', 'state_kind', 'priority', 'channel', 'team')
    search_fields = ('number', 'title')
    list_select_related = ('process', 'customer', 'team', 'assignee')
    date_hierarchy = 'created_at'
    inlines = [TicketEventInline, CommentInline, AttachmentInline]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('ticket', 'created_at', 'actor', 'kind', 'transition', 'from_state', 'to_state', 'is_internal')
    list_filter = ('kind', 'is_internal')
    search_fields = ('ticket__number', 'transition', 'note')
    list_select_related = ('ticket', 'actor')
    date_hierarchy = 'created_at'


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('ticket', 'created_at', 'author', 'is_internal', 'body')
    list_filter = ('is_internal',)
    search_fields = ('ticket__number', 'body')
    list_select_related = ('ticket', 'author')


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('filename', 'ticket', 'content_type', 'size', 'is_internal', 'uploaded_by', 'created_at')
    list_filter = ('is_internal', 'content_type')
    search_fields = ('filename', 'ticket__number', 'sha256')
    list_select_related = ('ticket', 'uploaded_by')
    fields = ('ticket', 'comment', 'field', 'filename', 'content_type', 'size', 'sha256', 'is_internal')
    fields += ('uploaded_by', 'created_at')
