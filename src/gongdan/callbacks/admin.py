"""Callbacks in the admin: the callback setting is edited here (saved through do_save_callback_setting, which
checks every process state it names); callbacks and campaigns are read-only (they change through actions)."""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .actions import do_save_callback_setting
from .models import Callback, CallbackCampaign, CallbackSetting


@admin.register(CallbackSetting)
class CallbackSettingAdmin(admin.ModelAdmin):
    list_display = ('__str__', 'low_score_threshold', 'low_score_action')
    fields = ('triggers', 'low_score_threshold', 'low_score_action')

    def has_add_permission(self, request):
        return not CallbackSetting.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = do_save_callback_setting(
            actor=request.user,
            triggers=form.cleaned_data['triggers'] or {},
            low_score_threshold=form.cleaned_data['low_score_threshold'],
            low_score_action=form.cleaned_data['low_score_action'],
        )
        obj.pk = saved.pk


@admin.register(CallbackCampaign)
class CallbackCampaignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('title', 'ticket', 'period_start', 'period_end', 'ratio_percent', 'stratify_by', 'seed', 'drawn_at')
    search_fields = ('title', 'ticket__number')
    list_select_related = ('ticket',)


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('ticket', 'source', 'status', 'assignee', 'satisfaction', 'follow_up', 'done_at')
    list_filter = ('status', 'source', 'follow_up')
    search_fields = ('ticket__number',)
    list_select_related = ('ticket', 'assignee')
