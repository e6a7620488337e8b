"""Processes and their versions, read-only (they come from processes/*.yaml), and "reload process files".

The reload runs ``do_sync_processes``: all files are validated first and nothing is written if any is
invalid; every problem is reported with its file and key path. It is offered as an admin action and as a
button on the process list (which also works while the list is still empty).
"""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .actions import do_sync_processes
from .loader import ProcessLoadError
from .models import Process, ProcessVersion


def rule_ids(spec) -> list[str]:
    """Every seed-rule ID a process definition cites anywhere, in document order (IDC, SVC, CRC, SD, CSC)."""
    cited = set(spec.rules) | set(spec.create.rules)
    for group in (spec.states.values(), spec.transitions, spec.fields, spec.approvals.values(), spec.clocks):
        for item in group:
            cited.update(item.rules)
    order = ['IDC', 'SVC', 'CRC', 'SD', 'CSC']
    return sorted(cited, key=lambda r: (order.index(r.split('-')[0]), int(r.split('-')[1])))


def may_reload(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or user.has_role('administrator'))


def reload_process_files(request) -> None:
    """Load the process files and report the outcome as admin messages."""
    try:
        report = do_sync_processes()
    except ProcessLoadError as exc:
        for error in exc.errors:
            messages.error(request, str(error))
        messages.error(
            request, _('Nothing was loaded: {count} problem(s) in the process files.').format(count=len(exc.errors))
        )
        return
    for line in report:
        messages.success(request, line)


@admin.register(Process)
class ProcessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('key', 'title', 'prefix', 'version_number', 'rules', 'is_active')
    list_filter = ('is_active',)
    search_fields = ('key', 'title')
    list_select_related = ('current_version',)
    fields = ('key', 'title', 'prefix', 'is_active', 'current_version', 'rules')
    actions = ['reload_action']

    @admin.display(description=_('version'))
    def version_number(self, obj):
        return obj.current_version.number if obj.current_version else '-'

    @admin.display(description=_('rule IDs'))
    def rules(self, obj):
        return ', '.join(rule_ids(obj.current_version.spec)) if obj.current_version else '-'

    @admin.action(description=_('Reload process files'))
    def reload_action(self, request, queryset):
        if not may_reload(request):
            messages.error(request, _('Only administrators may reload the process files.'))
            return
        reload_process_files(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not may_reload(request):
            actions.pop('reload_action', None)
        return actions

    def get_urls(self):
        reload = self.admin_site.admin_view(self.reload_view)
        return [path('reload/', reload, name='workflow_process_reload'), *super().get_urls()]

    def reload_view(self, request):
        if request.method != 'POST':
            return HttpResponseNotAllowed(['POST'])
        if may_reload(request):
            reload_process_files(request)
        else:
            messages.error(request, _('Only administrators may reload the process files.'))
        return HttpResponseRedirect(reverse('admin:workflow_process_changelist'))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), 'may_reload': may_reload(request)}
        return super().changelist_view(request, extra_context)


@admin.register(ProcessVersion)
class ProcessVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('__str__', 'process', 'number', 'short_digest', 'rules', 'is_current', 'loaded_at')
    list_filter = ('process',)
    list_select_related = ('process',)
    fields = ('process', 'number', 'digest', 'loaded_at', 'is_current', 'rules', 'source_text')

    @admin.display(description=_('SHA-256 of the file'))
    def short_digest(self, obj):
        return obj.digest[:12]

    @admin.display(description=_('rule IDs'))
    def rules(self, obj):
        return ', '.join(rule_ids(obj.spec))

    @admin.display(description=_('current'), boolean=True)
    def is_current(self, obj):
        return obj.process.current_version_id == obj.pk

    @admin.display(description=_('source'))
    def source_text(self, obj):
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', obj.source)
