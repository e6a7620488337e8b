"""The knowledge base through /api/v1/knowledge/ and its pages (SD-06): who reads, writes and publishes what."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from gongdan.knowledge.actions import do_create_article, do_publish_article
from gongdan.knowledge.models import Article

LIST = '/api/v1/knowledge/articles/'


@pytest.fixture(autouse=True)
def english():
    with translation.override('en'):
        yield


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def articles(org, processes):
    draft = do_create_article(actor=org.engineer, values={'title': '草稿', 'body': '未完成', 'category': 'software'})
    internal = do_create_article(actor=org.engineer, values={'title': '内部', 'body': '仅坐席', 'category': 'network'})
    public = do_create_article(
        actor=org.engineer, values={'title': '公开', 'body': '重启路由器', 'category': 'network', 'is_public': True}
    )
    do_publish_article(internal, actor=org.engineer)
    do_publish_article(public, actor=org.engineer)
    return {'draft': draft, 'internal': internal, 'public': public}


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {a['title'] for a in response.json()}


def test_sd06_api_visibility(org, articles):
    """Authors see their drafts, agents the published, customers only the published public ones."""
    assert titles(api(org.engineer).get(LIST)) == {'草稿', '内部', '公开'}
    assert titles(api(org.agent).get(LIST)) == {'内部', '公开'}
    assert titles(api(org.customer_user_a).get(LIST)) == {'公开'}
    assert titles(api(org.agent).get(LIST, {'q': '路由'})) == {'公开'}
    for name in ('draft', 'internal'):
        url = reverse('api-knowledge-article-detail', kwargs={'pk': articles[name].pk})
        assert api(org.customer_user_a).get(url).status_code == 404
    assert (
        api(org.agent).get(reverse('api-knowledge-article-detail', kwargs={'pk': articles['draft'].pk})).status_code
        == 404
    )
    assert APIClient().get(LIST).status_code in (401, 403)


def test_sd06_api_write_edit_publish(org, processes):
    response = api(org.agent).post(
        LIST, {'title': '打印机脱机', 'body': '检查队列', 'category': 'software'}, format='json'
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body['status'] == 'draft' and body['author'] == 'agent'
    detail = reverse('api-knowledge-article-detail', kwargs={'pk': body['id']})
    assert api(org.agent).patch(detail, {'body': '检查打印队列并重启服务'}, format='json').status_code == 200
    assert api(org.engineer).patch(detail, {'body': 'x'}, format='json').status_code == 404  # not even readable
    publish = reverse('api-knowledge-article-publish', kwargs={'pk': body['id']})
    response = api(org.agent).post(publish, {'is_public': True}, format='json')
    assert response.status_code == 200 and response.json()['status'] == 'published' and response.json()['is_public']
    assert api(org.engineer).patch(detail, {'body': 'x'}, format='json').status_code == 403  # published: editors only
    assert api(org.agent).post(publish, {}, format='json').status_code == 409
    assert api(org.customer_user_a).get(detail).json()['source_ticket'] is None
    assert api(org.customer_user_a).post(LIST, {'title': 't', 'body': 'b'}, format='json').status_code == 403
    response = api(org.agent).post(LIST, {'title': '', 'body': 'b'}, format='json')
    assert response.status_code == 400 and 'title' in response.json()['fields']
    assert Article.objects.get(pk=body['id']).body == '检查打印队列并重启服务'


def test_sd06_pages(client, org, articles):
    client.force_login(org.customer_user_a)
    html = client.get(reverse('knowledge:article_list')).content.decode()
    assert '公开' in html and '内部' not in html and '草稿' not in html
    assert client.get(reverse('knowledge:article', args=[articles['internal'].pk])).status_code == 404
    assert client.get(reverse('knowledge:article_create')).status_code == 404

    client.force_login(org.engineer)
    response = client.post(
        reverse('knowledge:article_edit', args=[articles['draft'].pk]),
        {'title': '草稿二', 'body': '补全', 'category': 'software'},
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=articles['draft'].pk).title == '草稿二'
    response = client.post(reverse('knowledge:article_publish', args=[articles['draft'].pk]))
    assert response.status_code == 302 and Article.objects.get(pk=articles['draft'].pk).status == 'published'
    response = client.post(reverse('knowledge:article_create'), {'title': '', 'body': '', 'category': 'software'})
    assert response.status_code == 400
    response = client.post(reverse('knowledge:article_create'), {'title': '新', 'body': '内容', 'category': 'other'})
    assert response.status_code == 302 and Article.objects.filter(title='新', author=org.engineer).exists()
    html = client.get(reverse('knowledge:article', args=[articles['public'].pk])).content.decode()
    assert '重启路由器' in html
