"""The knowledge base's rules (SD-06) and drafting from a solved ticket (SVC-12), through the actions."""

from __future__ import annotations

import pytest

from gongdan.knowledge.actions import (
    do_create_article,
    do_draft_article_from_ticket,
    do_publish_article,
    do_unpublish_article,
    do_update_article,
)
from gongdan.knowledge.models import Article
from gongdan.knowledge.queries import visible_articles
from gongdan.tickets.actions import do_create_ticket
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.utilities.testing import make_user
from gongdan.workflow.actions import do_transition

ARTICLE = {'title': '交换机光模块老化的判断', 'body': '看端口收光功率。', 'category': 'network'}


@pytest.fixture
def editor(org):
    return make_user('docadmin', 'document_admin', org_unit=org.center)


def test_sd06_staff_write_drafts_that_only_the_author_reads(org, processes):
    """SD-06: knowledge is accumulated as drafts; a draft is read by its author (and editors) only."""
    article = do_create_article(actor=org.engineer, values=ARTICLE)
    assert (article.status, article.author, article.is_public) == ('draft', org.engineer, False)
    assert list(visible_articles(org.engineer)) == [article]
    assert list(visible_articles(org.agent)) == []
    assert list(visible_articles(org.customer_user_a)) == []


def test_sd06_customers_may_not_write(org, processes):
    with pytest.raises(NotAllowed):
        do_create_article(actor=org.customer_user_a, values=ARTICLE)


def test_sd06_required_fields_and_category(org, processes):
    with pytest.raises(InvalidInput) as exc:
        do_create_article(actor=org.engineer, values={'title': ' ', 'body': '', 'category': 'cooking'})
    assert set(exc.value.fields) == {'title', 'body', 'category'}


def test_sd06_authors_edit_their_drafts_others_do_not(org, processes, editor):
    article = do_create_article(actor=org.engineer, values=ARTICLE)
    do_update_article(article, actor=org.engineer, values={'body': '看端口收光功率，低于 -14 dBm 即老化。'})
    article.refresh_from_db()
    assert '-14 dBm' in article.body
    with pytest.raises(NotAllowed):
        do_update_article(article, actor=org.agent, values={'title': '改'})
    do_update_article(article, actor=editor, values={'title': '光模块老化的判断'})  # editors edit any article
    article.refresh_from_db()
    assert article.title == '光模块老化的判断'


def test_sd06_published_articles_are_read_by_staff_and_public_ones_by_customers(org, processes, editor):
    """SD-06: published knowledge is read by every agent; customers read only what is published and public."""
    internal = do_create_article(actor=org.engineer, values=ARTICLE)
    public = do_create_article(actor=org.engineer, values={**ARTICLE, 'title': '如何重启路由器', 'is_public': True})
    do_publish_article(internal, actor=org.engineer)
    assert set(visible_articles(org.agent)) == {internal}
    assert list(visible_articles(org.customer_user_a)) == []  # the public one is still a draft
    do_publish_article(public, actor=org.engineer)
    assert set(visible_articles(org.agent)) == {internal, public}
    assert list(visible_articles(org.customer_user_b)) == [Article.objects.get(pk=public.pk)]
    with pytest.raises(Conflict):
        do_publish_article(public, actor=editor)
    # A published article is no longer the author's to change; an editor may change or withdraw it.
    with pytest.raises(NotAllowed):
        do_update_article(public, actor=org.engineer, values={'title': '改'})
    with pytest.raises(NotAllowed):
        do_unpublish_article(public, actor=org.engineer)
    do_unpublish_article(public, actor=editor)
    assert list(visible_articles(org.customer_user_b)) == []


def _fixed_ticket(org):
    ticket = do_create_ticket(
        'sd_event',
        actor=org.agent,
        title='OA 系统登录慢',
        customer=org.customer_a,
        values={'reporter_name': '王五', 'reporter_phone': '13700000000', 'symptom': '登录要一分钟'},
    )
    do_transition(
        ticket, 'classify', actor=org.agent, values={'category': 'software', 'urgency': 'low', 'impact': 'low'}
    )
    return ticket


def test_svc12_draft_from_ticket_needs_a_cause_or_fix_and_is_made_once(org, processes):
    """SVC-12: the experience is written up from the ticket's cause and fix; one article per ticket, and the
    ticket's timeline says so (internal note)."""
    ticket = _fixed_ticket(org)
    with pytest.raises(InvalidInput):
        do_draft_article_from_ticket(ticket, actor=org.agent)
    do_transition(ticket, 'resolve_by_phone', actor=org.agent, values={'resolution': '清理浏览器缓存后恢复'})
    article, created = do_draft_article_from_ticket(ticket, actor=org.agent)
    assert created and article.source_ticket == ticket and article.category == 'software'
    assert '清理浏览器缓存后恢复' in article.body and '登录要一分钟' in article.body and ticket.number in article.body
    again, created = do_draft_article_from_ticket(ticket, actor=org.agent)
    assert again == article and not created
    note = ticket.events.filter(kind='fields_changed').last()
    assert note.is_internal and article.title in note.note
    with pytest.raises(NotAllowed):
        do_draft_article_from_ticket(ticket, actor=org.customer_user_a)
