"""Admin of inspections: plans are reference data edited by administrators (SVC-11); inspections and their checks
are written by actions only and read-only here."""

from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .models import Inspection, InspectionCheck, InspectionItem, InspectionPlan


class InspectionItemInline(admin.TabularInline):
    model = InspectionItem
    extra = 1


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ['key', 'name', 'schedule', 'at_time', 'cron', 'inspector', 'network_admin', 'is_active']
    list_filter = ['schedule', 'is_active']
    inlines = [InspectionItemInline]


class InspectionCheckInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = InspectionCheck
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ['ticket', 'plan', 'slot', 'created_at']
    list_filter = ['plan']
    inlines = [InspectionCheckInline]
