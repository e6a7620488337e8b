"""SVC-09/SD-05: the callback setting page under Settings — who may open it, field errors, the write through
do_save_callback_setting and its audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongdan.callbacks.actions import do_save_callback_setting
from gongdan.callbacks.models import CallbackSetting, CallbackSettingChange
from gongdan.utilities.errors import InvalidInput, NotAllowed

URL = '/callbacks/setting/'


def test_svc09_setting_page_for_directors_gms_and_admins_only(client, org, processes):
    """SVC-09: directors, general managers and administrators open the page (and see it in the Settings menu);
    an agent gets 403 and no menu entry; a customer contact 404."""
    assert reverse('callbacks:setting') == URL
    for user in (org.supervisor, org.gm, org.admin):
        client.force_login(user)
        assert client.get(URL).status_code == 200
        assert f'href="{URL}"' in client.get('/').content.decode()
    client.force_login(org.agent)
    assert client.get(URL).status_code == 403
    assert f'href="{URL}"' not in client.get('/').content.decode()
    client.force_login(org.customer_user_a)
    assert client.get(URL).status_code == 404


def test_svc09_setting_saved_with_an_audit_trail_and_field_errors(client, org, processes):
    """SVC-09/SD-05: the director saves which states open a callback and the low-score rule; the change is recorded
    with who, when and before/after; a bad value is refused next to its field and nothing is written."""
    client.force_login(org.supervisor)
    bad = client.post(URL, {'low_score_threshold': '9', 'low_score_action': 'reopen', 'trigger_sd_event': ['callback']})
    assert bad.status_code == 400 and 'low_score_threshold' in bad.context['form'].errors
    assert not CallbackSettingChange.objects.exists()

    saved = client.post(
        URL,
        {'low_score_threshold': '3', 'low_score_action': 'complaint', 'trigger_sd_event': ['callback', 'review']},
    )
    assert saved.status_code == 302
    setting = CallbackSetting.objects.get(pk=1)
    assert setting.triggers == {'sd_event': ['callback', 'review']}
    assert (setting.low_score_threshold, setting.low_score_action) == (3, 'complaint')
    [change] = CallbackSettingChange.objects.all()
    assert change.changed_by == org.supervisor and change.changed_at is not None
    assert change.changes['low_score_threshold'] == [2, 3]
    assert change.changes['low_score_action'] == ['reopen', 'complaint']
    assert change.changes['triggers'][1] == {'sd_event': ['callback', 'review']}
    page = client.get(URL).content.decode()
    assert 'data-testid="callback-setting-changes"' in page and str(org.supervisor) in page

    # Saving the same values again changes nothing and records nothing.
    client.post(
        URL, {'low_score_threshold': '3', 'low_score_action': 'complaint', 'trigger_sd_event': ['callback', 'review']}
    )
    assert CallbackSettingChange.objects.count() == 1


def test_svc09_setting_action_refusals(org, processes):
    """SVC-09: only the owners change the setting; an unknown process or state is refused naming the field."""
    with pytest.raises(NotAllowed):
        do_save_callback_setting(actor=org.agent, triggers={}, low_score_threshold=2, low_score_action='none')
    with pytest.raises(InvalidInput) as refused:
        do_save_callback_setting(
            actor=org.gm, triggers={'sd_event': ['nowhere']}, low_score_threshold=2, low_score_action='none'
        )
    assert 'triggers' in refused.value.fields
    do_save_callback_setting(actor=org.gm, triggers={}, low_score_threshold=1, low_score_action='none')
    assert CallbackSettingChange.objects.get().changed_by == org.gm
