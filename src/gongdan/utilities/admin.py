"""Admin site settings and helpers shared by every app's admin.py.

The admin edits reference data (people, roles, teams, customers, categories). Tickets, their timeline,
approvals and process versions are shown read-only: they change only through actions (docs/architecture.md).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _('Gongdan administration')
admin.site.site_title = _('Gongdan administration')
admin.site.index_title = _('Reference data and records')


class ReadOnlyAdminMixin:
    """View-only admin: nothing can be added, changed or deleted here (those rows change through actions)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True
