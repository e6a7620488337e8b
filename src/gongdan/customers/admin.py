"""Admin for customer levels, customer organisations and their contacts (reference data)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Contact, Customer, CustomerLevel


@admin.register(CustomerLevel)
class CustomerLevelAdmin(admin.ModelAdmin):
    list_display = ('name', 'key', 'rank')
    search_fields = ('key', 'name')


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ('name', 'title', 'phone', 'email', 'user', 'is_primary', 'receives_billing')
    autocomplete_fields = ('user',)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        'name',
        'code',
        'short_name',
        'level',
        'business_line',
        'service_status',
        'account_manager',
        'contact_count',
        'is_active',
    )
    list_filter = ('is_active', 'level', 'business_line', 'service_status', 'calendar')
    search_fields = ('code', 'name', 'short_name', 'phone')
    list_select_related = ('level', 'account_manager')
    autocomplete_fields = ('account_manager',)
    readonly_fields = ('created_at',)
    inlines = [ContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contact_count=Count('contacts'))

    @admin.display(description=_('contacts'), ordering='contact_count')
    def contact_count(self, obj):
        return obj.contact_count


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ('name', 'customer', 'title', 'phone', 'email', 'user', 'is_primary', 'receives_billing')
    list_filter = ('is_primary', 'receives_billing', 'customer')
    search_fields = ('name', 'phone', 'email', 'customer__name', 'customer__short_name')
    list_select_related = ('customer', 'user')
    autocomplete_fields = ('customer', 'user')
