"""Admin for team robots (edited through the robot actions, which check the webhook policy), the allow-list of
webhook hosts (reference data), and, read-only, the outbox and the in-app notifications."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongdan.utilities.admin import ReadOnlyAdminMixin
from gongdan.utilities.errors import GongdanError, InvalidInput
from gongdan.workflow import engine

from .actions import clean_robot_fields, do_create_team_robot, do_delete_team_robot, do_update_team_robot
from .events import EVENT_TYPES
from .models import Delivery, Notification, TeamRobot, WebhookAllowedHost

ROBOT_FIELDS = ('name', 'platform', 'url', 'secret', 'enabled', 'language', 'event_types')


class TeamRobotForm(forms.ModelForm):
    """The robot form: the URL is checked against the webhook policy here, so the error sits on the URL field.
    The secret is never shown again; leaving it empty keeps the stored one."""

    secret = forms.CharField(
        label=_('signing secret'),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            'DingTalk: the SEC… secret of 加签; Feishu: the secret of 签名校验. Leave empty to keep the current one.'
        ),
    )
    event_types = forms.MultipleChoiceField(
        label=_('event types'),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_('Leave empty to post every event the team gets.'),
    )

    class Meta:
        model = TeamRobot
        fields = ('team', *ROBOT_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields['event_types'].choices = [(key, kind.label) for key, kind in EVENT_TYPES.items()]

    def clean(self):
        cleaned = super().clean()
        values = {key: cleaned.get(key) for key in ROBOT_FIELDS if key in cleaned}
        if not values.get('secret') and self.instance.pk:
            values['secret'] = self.instance.secret
        try:
            checked = clean_robot_fields(values)
        except InvalidInput as exc:
            for key, messages in exc.fields.items():
                self.add_error(key if key in self.fields else None, messages)
            return cleaned
        cleaned.update(checked)
        return cleaned


@admin.register(TeamRobot)
class TeamRobotAdmin(admin.ModelAdmin):
    form = TeamRobotForm
    list_display = ('name', 'team', 'platform', 'enabled', 'language', 'updated_at')
    list_filter = ('platform', 'enabled', 'team')
    search_fields = ('name', 'team__name', 'team__key')
    list_select_related = ('team',)
    autocomplete_fields = ('team',)

    # The robot actions allow administrators (and duty leads, through their own pages); staff users of the
    # admin site without the administrator role only look.
    def has_add_permission(self, request):
        return engine.is_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return engine.is_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return engine.is_admin(request.user) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        values = {key: form.cleaned_data[key] for key in ROBOT_FIELDS}
        try:
            if change:
                saved = do_update_team_robot(obj, actor=request.user, **values)
            else:
                saved = do_create_team_robot(actor=request.user, team=form.cleaned_data['team'], **values)
        except GongdanError as exc:
            raise forms.ValidationError(exc.detail) from exc
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        do_delete_team_robot(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for robot in queryset:
            do_delete_team_robot(robot, actor=request.user)


@admin.register(WebhookAllowedHost)
class WebhookAllowedHostAdmin(admin.ModelAdmin):
    list_display = ('host', 'note')
    search_fields = ('host', 'note')


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('created_at', 'channel', 'target', 'subject', 'status', 'attempts', 'next_attempt_at', 'sent_at')
    list_filter = ('status', 'channel', 'event_type')
    search_fields = ('target', 'subject', 'ticket__number')
    list_select_related = ('ticket',)
    date_hierarchy = 'created_at'


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('created_at', 'recipient', 'event_type', 'title', 'read_at')
    list_filter = ('event_type',)
    search_fields = ('title', 'recipient__username', 'ticket__number')
    list_select_related = ('recipient',)
    date_hierarchy = 'created_at'
