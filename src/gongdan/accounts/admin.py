"""Admin for people, roles, the organisation tree and resolver teams (reference data)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import OrgUnit, Role, Team, User


class TeamMembershipInline(admin.TabularInline):
    model = Team.members.through
    extra = 0
    verbose_name = _('team')
    verbose_name_plural = _('teams')


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ('username', 'display_name', 'org_unit', 'customer', 'role_list', 'is_active', 'is_staff')
    list_filter = ('is_active', 'is_staff', 'is_superuser', 'roles', 'org_unit', 'customer')
    search_fields = ('username', 'display_name', 'first_name', 'last_name', 'email', 'phone')
    list_select_related = ('org_unit', 'customer')
    autocomplete_fields = ('org_unit', 'manager', 'customer')
    filter_horizontal = ('roles', 'groups', 'user_permissions')
    readonly_fields = ('last_login', 'date_joined')
    inlines = [TeamMembershipInline]
    fieldsets = (
        (None, {'fields': ('username', 'password')}),
        (_('Personal info'), {'fields': ('display_name', 'last_name', 'first_name', 'email', 'phone')}),
        (_('Organisation'), {'fields': ('org_unit', 'manager', 'customer', 'roles')}),
        (
            _('Permissions'),
            {
                'fields': ('is_active', 'is_staff', 'is_superuser', 'groups', 'user_permissions'),
                'classes': ('collapse',),
            },
        ),
        (_('Important dates'), {'fields': ('last_login', 'date_joined')}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_('Organisation'), {'classes': ('wide',), 'fields': ('display_name', 'org_unit', 'customer', 'roles')}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related('roles')

    @admin.display(description=_('roles'))
    def role_list(self, obj):
        return '、'.join(role.name for role in obj.roles.all())


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ('key', 'name', 'name_en', 'ticket_scope', 'is_staff_role', 'user_count')
    list_filter = ('ticket_scope', 'is_staff_role')
    search_fields = ('key', 'name', 'name_en')

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(user_count=Count('users'))

    @admin.display(description=_('users'), ordering='user_count')
    def user_count(self, obj):
        return obj.user_count


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ('name', 'code', 'kind', 'parent', 'head')
    list_filter = ('kind',)
    search_fields = ('code', 'name')
    list_select_related = ('parent', 'head')
    autocomplete_fields = ('parent', 'head')


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ('name', 'key', 'org_unit', 'duty_lead', 'calendar', 'member_count', 'is_active')
    list_filter = ('is_active', 'org_unit', 'calendar')
    search_fields = ('key', 'name')
    list_select_related = ('org_unit', 'duty_lead', 'calendar')
    autocomplete_fields = ('org_unit', 'duty_lead')
    filter_horizontal = ('members',)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count('members'))

    @admin.display(description=_('members'), ordering='member_count')
    def member_count(self, obj):
        return obj.member_count
