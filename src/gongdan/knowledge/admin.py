from django.contrib import admin

from gongdan.utilities.admin import ReadOnlyAdminMixin

from .models import Article


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: articles change through knowledge/actions.py (the pages and the API)."""

    list_display = ['title', 'category', 'status', 'is_public', 'author', 'updated_at']
    list_filter = ['status', 'category', 'is_public']
    search_fields = ['title', 'body']
