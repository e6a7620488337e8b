"""The UI is Chinese first whatever the browser says; the user's explicit choice wins; API clients may negotiate."""

from django.conf import settings


def test_ui_defaults_to_chinese_even_for_an_english_browser(client):
    response = client.get('/accounts/login/', HTTP_ACCEPT_LANGUAGE='en-US,en;q=0.9')
    assert response['Content-Language'] == 'zh-hans'
    assert '<html lang="zh-hans"' in response.content.decode()


def test_language_switch_cookie_selects_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = 'en'
    assert client.get('/accounts/login/')['Content-Language'] == 'en'


def test_set_language_view_sets_the_cookie(client):
    response = client.post('/i18n/setlang/', {'language': 'en', 'next': '/accounts/login/'})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == 'en'


def test_api_follows_accept_language(db, client):
    response = client.get('/api/v1/users/me/', HTTP_ACCEPT_LANGUAGE='en')
    assert response['Content-Language'] == 'en'
    assert 'Accept-Language' in response['Vary']
