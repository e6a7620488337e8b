"""Every shipped process file (processes/*.yaml) is sound, and process versions protect open tickets."""

import re
import shutil

import pytest
from django.conf import settings

from gongdan.tickets.actions import do_create_ticket
from gongdan.workflow import registry
from gongdan.workflow.actions import do_sync_processes
from gongdan.workflow.loader import ProcessLoadError, load_all, process_files
from gongdan.workflow.models import Process, ProcessVersion

RULE_ID = re.compile(r'\b(?:IDC|SVC|CRC|SD|CSC)-\d{2}\b')
SHIPPED = process_files()


def seed_rule_ids() -> set[str]:
    path = settings.GONGDAN_SEED_RULES_FILE
    if not path.exists():
        pytest.skip(f'the seed rules file {path} is absent (set GONGDAN_SEED_RULES_FILE)')
    return set(re.findall(r'^- ((?:IDC|SVC|CRC|SD|CSC)-\d{2}) ', path.read_text(encoding='utf-8'), re.MULTILINE))


def test_the_shipped_processes_exist():
    assert {p.stem for p in SHIPPED} >= {'sd_event', 'idc_visit'}


def test_every_shipped_file_validates():
    loaded = load_all()  # raises ProcessLoadError naming every problem
    assert sorted(item.path for item in loaded) == SHIPPED
    assert len({item.definition.prefix for item in loaded}) == len(loaded)


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: p.stem)
def test_guards_and_effects_resolve(path):
    (item,) = [i for i in load_all() if i.path == path]
    spec = item.definition
    for transition in spec.transitions:
        for name in transition.guards:
            assert callable(registry.get_guard(name)), f'{path.name}: {transition.key}: guard {name}'
        for name in transition.effects:
            assert callable(registry.get_effect(name)), f'{path.name}: {transition.key}: effect {name}'
    for name in spec.create.effects:
        assert callable(registry.get_effect(name)), f'{path.name}: create: effect {name}'


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: p.stem)
def test_every_state_is_reachable_and_every_path_can_end(path):
    (item,) = [i for i in load_all() if i.path == path]
    spec = item.definition
    reached, frontier = {spec.initial}, [spec.initial]
    while frontier:
        for t in spec.transitions_from(frontier.pop()):
            if t.to not in reached:
                reached.add(t.to)
                frontier.append(t.to)
    assert reached == set(spec.states), f'{path.name}: unreachable {set(spec.states) - reached}'
    # From every non-final state some final state stays reachable (no dead ends).
    for state in spec.states:
        seen, todo = {state}, [state]
        while todo:
            for t in spec.transitions_from(todo.pop()):
                if t.to not in seen:
                    seen.add(t.to)
                    todo.append(t.to)
        assert any(spec.states[s].final for s in seen), f'{path.name}: no way out of {state!r}'


@pytest.mark.parametrize('path', SHIPPED, ids=lambda p: p.stem)
def test_every_cited_rule_exists_in_the_seed_rules(path):
    known = seed_rule_ids()
    source = path.read_text(encoding='utf-8')
    cited = set(RULE_ID.findall(source))
    assert cited, f'{path.name} cites no rule'
    assert cited <= known, f'{path.name} cites unknown rules {sorted(cited - known)}'
    (item,) = [i for i in load_all() if i.path == path]
    spec = item.definition
    for transition in spec.transitions:
        assert transition.rules, f'{path.name}: transition {transition.key} cites no rule'


def test_a_changed_file_makes_a_new_version_and_old_tickets_keep_theirs(tmp_path, org):
    shutil.copy(settings.GONGDAN_PROCESSES_DIR / 'sd_event.yaml', tmp_path / 'sd_event.yaml')
    assert do_sync_processes(tmp_path) == ['sd_event: loaded version 1']
    assert do_sync_processes(tmp_path) == ['sd_event: unchanged (version 1)']
    values = {'reporter_name': '王五', 'reporter_phone': '13700000000', 'symptom': '无法登录'}
    old = do_create_ticket('sd_event', actor=org.agent, title='旧版本工单', values=values)

    path = tmp_path / 'sd_event.yaml'
    path.write_text(
        path.read_text(encoding='utf-8').replace('title: 服务台事件', 'title: 服务台事件（新版）'), encoding='utf-8'
    )
    assert do_sync_processes(tmp_path) == ['sd_event: loaded version 2']

    process = Process.objects.get(key='sd_event')
    assert process.title == '服务台事件（新版）'
    assert process.current_version.number == 2
    assert ProcessVersion.objects.filter(process=process).count() == 2
    old.refresh_from_db()
    assert old.process_version.number == 1
    assert old.spec.title == '服务台事件'
    new = do_create_ticket('sd_event', actor=org.agent, title='新版本工单', values=values)
    assert new.process_version.number == 2
    assert new.spec.title == '服务台事件（新版）'


def test_an_invalid_file_writes_nothing(tmp_path, db):
    shutil.copy(settings.GONGDAN_PROCESSES_DIR / 'sd_event.yaml', tmp_path / 'sd_event.yaml')
    (tmp_path / 'broken.yaml').write_text('key: broken\n', encoding='utf-8')
    with pytest.raises(ProcessLoadError, match=re.escape('broken.yaml')):
        do_sync_processes(tmp_path)
    assert not Process.objects.filter(key='sd_event').exists()


def test_unknown_role_is_rejected(tmp_path, db):
    source = (settings.GONGDAN_PROCESSES_DIR / 'sd_event.yaml').read_text(encoding='utf-8')
    (tmp_path / 'sd_event.yaml').write_text(
        source.replace(
            'roles: [agent, acceptance_engineer, customer_contact, inspector, administrator]', 'roles: [agent, wizard]'
        ),
        encoding='utf-8',
    )
    with pytest.raises(ProcessLoadError, match=re.escape("sd_event.yaml: roles: unknown role 'wizard'")):
        do_sync_processes(tmp_path)
