"""Pages of the knowledge base (SD-06): list and search, read, write and edit, publish; drafting an article from a
solved ticket (SVC-12). Thin views: reads through queries (404 for what one may not read), writes through actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdan.tickets.queries import access_ticket_by_number
from gongdan.utilities.errors import GongdanError, NotFound
from gongdan.utilities.paging import CappedPaginator

from . import queries
from .actions import (
    do_create_article,
    do_draft_article_from_ticket,
    do_publish_article,
    do_unpublish_article,
    do_update_article,
)
from .choices import ArticleCategory, ArticleStatus
from .forms import ArticleForm

PAGE_SIZE = 25


def _article_or_404(user, pk):
    try:
        return queries.access_article_by_id(user, int(pk))
    except NotFound:
        raise Http404 from None


def _error_text(exc: GongdanError) -> str:
    return ' '.join([exc.detail, *(m for ms in exc.fields.values() for m in ms)])


@login_required
def article_list(request):
    """Published articles (and, for staff, their drafts), searchable by text, status and category."""
    text = request.GET.get('q', '').strip()
    status = request.GET.get('status', '')
    category = request.GET.get('category', '')
    query = queries.search_articles(queries.visible_articles(request.user), text, status, category)
    page = CappedPaginator(query, PAGE_SIZE).get_page(request.GET.get('page'))
    return render(
        request,
        'knowledge/article_list.html',
        {
            'page': page,
            'q': text,
            'status': status,
            'category': category,
            'statuses': ArticleStatus.choices,
            'categories': ArticleCategory.choices,
            'may_create': queries.may_create(request.user),
            'is_staff_view': queries.is_staff_user(request.user),
        },
    )


@login_required
def article_detail(request, pk):
    article = _article_or_404(request.user, pk)
    source = None
    if article.source_ticket_id and queries.is_staff_user(request.user):
        try:
            source = access_ticket_by_number(request.user, article.source_ticket.number)
        except NotFound:
            source = None
    return render(
        request,
        'knowledge/article_detail.html',
        {
            'article': article,
            'source': source,
            'may_edit': queries.may_edit(request.user, article),
            'may_publish': article.status == ArticleStatus.DRAFT and queries.may_publish(request.user, article),
            'may_unpublish': queries.may_unpublish(request.user, article),
        },
    )


def _save(request, article, form):
    try:
        if article is None:
            return do_create_article(actor=request.user, values=form.cleaned_data)
        return do_update_article(article, actor=request.user, values=form.cleaned_data)
    except GongdanError as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not exc.fields:
            form.add_error(None, exc.detail)
        return None


@login_required
def article_create(request):
    if not queries.may_create(request.user):
        raise Http404
    form = ArticleForm(request.POST or None)
    if request.method == 'POST' and form.is_valid():
        article = _save(request, None, form)
        if article is not None:
            messages.success(request, _('The draft is saved.'))
            return redirect(article)
    return render(
        request, 'knowledge/article_form.html', {'form': form, 'article': None}, status=400 if form.errors else 200
    )


@login_required
def article_edit(request, pk):
    article = _article_or_404(request.user, pk)
    if not queries.may_edit(request.user, article):
        messages.error(request, _('You may not edit this article.'))
        return redirect(article)
    initial = {k: getattr(article, k) for k in ('title', 'body', 'category', 'is_public')}
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == 'POST' and form.is_valid():
        saved = _save(request, article, form)
        if saved is not None:
            messages.success(request, _('The article is saved.'))
            return redirect(saved)
    return render(
        request, 'knowledge/article_form.html', {'form': form, 'article': article}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def article_publish(request, pk):
    article = _article_or_404(request.user, pk)
    try:
        if request.POST.get('unpublish'):
            do_unpublish_article(article, actor=request.user)
            messages.success(request, _('The article is back to draft.'))
        else:
            do_publish_article(article, actor=request.user)
            messages.success(request, _('The article is published.'))
    except GongdanError as exc:
        messages.error(request, _error_text(exc))
    return redirect(article)


@login_required
@require_POST
def draft_from_ticket(request, number):
    """SVC-12/SD-06: the button on a solved ticket: write its cause and fix up as a draft (or open the existing)."""
    if not queries.is_staff_user(request.user):
        raise Http404
    try:
        ticket = access_ticket_by_number(request.user, number)
    except NotFound:
        raise Http404 from None
    try:
        article, created = do_draft_article_from_ticket(ticket, actor=request.user)
    except GongdanError as exc:
        messages.error(request, _error_text(exc))
        return redirect(ticket)
    if created:
        messages.success(request, _('A knowledge article draft was written from the ticket; finish and publish it.'))
    if not queries.visible_articles(request.user).filter(pk=article.pk).exists():
        messages.info(request, _('This ticket has already been written up by someone else.'))
        return redirect(ticket)
    return redirect(article)
