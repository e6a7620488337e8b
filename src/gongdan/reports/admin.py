from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .models import ReportDelivery, ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Subscriptions change through ``gongdan reports subscribe`` (the action checks the recipient)."""

    list_display = ('kind', 'frequency', 'format', 'recipient', 'team', 'customer', 'is_active', 'created_at')
    list_filter = ('kind', 'frequency', 'is_active')


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ('subscription', 'period_start', 'period_end', 'sent_at', 'filename', 'size')
