"""The knowledge base (知识库, SD-06): service knowledge written up from solved tickets (SVC-12) and published.

A plain article: title, body (plain text, shown with line breaks), category, status draft/published, whether
customers may read it (``is_public``), the ticket it came from, its author and timestamps. Changed only by
knowledge/actions.py; who may read or edit is knowledge/queries.py.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import ArticleCategory, ArticleStatus


class Article(models.Model):
    title = models.CharField(_('title'), max_length=200)
    body = models.TextField(_('body'))
    category = models.CharField(
        _('category'), max_length=30, choices=ArticleCategory.choices, default=ArticleCategory.OTHER
    )
    status = models.CharField(_('status'), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    is_public = models.BooleanField(
        _('visible to customers'), default=False, help_text=_('Published public articles are shown to customers.')
    )
    source_ticket = models.ForeignKey(
        'tickets.Ticket',
        verbose_name=_('source ticket'),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name='knowledge_articles',
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_('author'), on_delete=models.PROTECT, related_name='+'
    )
    created_at = models.DateTimeField(_('created'))
    updated_at = models.DateTimeField(_('updated'))
    published_at = models.DateTimeField(_('published'), null=True, blank=True)

    class Meta:
        ordering = ['-updated_at', '-id']
        verbose_name = _('knowledge article')
        verbose_name_plural = _('knowledge articles')
        indexes = [models.Index(fields=['status', 'is_public'], name='knowledge_status_public')]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse('knowledge:article', args=[self.pk])
