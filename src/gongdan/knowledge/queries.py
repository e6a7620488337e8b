"""Who may read and edit knowledge articles (SD-06).

- Staff read every published article and their own drafts; editors (document administrator, technical
  supervisor, director, administrator) read and edit every article and publish.
- Authors edit their own drafts and publish them; a published article is changed by an editor.
- Customer contacts read only published articles marked public; anonymous users nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotFound

from .choices import ArticleStatus
from .models import Article

if TYPE_CHECKING:
    from gongdan.accounts.models import User

EDITOR_ROLES = ('document_admin', 'technical_supervisor', 'director', 'administrator')


def is_staff_user(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.customer_id is None


def is_editor(user: User | None) -> bool:
    return is_staff_user(user) and (user.is_superuser or user.has_role(*EDITOR_ROLES))


def visible_articles(user: User | None) -> QuerySet[Article]:
    """The articles ``user`` may read (see the module docstring)."""
    query = Article.objects.select_related('author', 'source_ticket')
    if user is None or not user.is_authenticated or not user.is_active:
        return query.none()
    if user.customer_id is not None:
        return query.filter(status=ArticleStatus.PUBLISHED, is_public=True)
    if is_editor(user):
        return query
    return query.filter(Q(status=ArticleStatus.PUBLISHED) | Q(author=user))


def access_article_by_id(user: User | None, pk: int) -> Article:
    """The article ``pk`` if ``user`` may read it, else NotFound (404, the same as a missing one)."""
    found = visible_articles(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_('Article not found.'))
    return found


def may_create(user: User | None) -> bool:
    return is_staff_user(user)


def may_edit(user: User | None, article: Article) -> bool:
    """Authors edit their drafts; editors edit any article."""
    if is_editor(user):
        return True
    return is_staff_user(user) and article.author_id == user.pk and article.status == ArticleStatus.DRAFT


def may_publish(user: User | None, article: Article) -> bool:
    return may_edit(user, article)


def may_unpublish(user: User | None, article: Article) -> bool:
    return is_editor(user) and article.status == ArticleStatus.PUBLISHED


def search_articles(query: QuerySet[Article], text: str = '', status: str = '', category: str = '') -> QuerySet:
    if text:
        query = query.filter(Q(title__icontains=text) | Q(body__icontains=text))
    if status in ArticleStatus.values:
        query = query.filter(status=status)
    if category:
        query = query.filter(category=category)
    return query
