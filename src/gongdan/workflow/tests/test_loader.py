"""The process loader rejects broken files with messages that name the file and the key path."""

import copy

import pytest
import yaml

from gongdan.workflow.loader import ProcessLoadError, load_all

VALID = {
    'key': 'demo',
    'title': '演示流程',
    'prefix': 'DM',
    'rules': ['SD-01'],
    'initial': 'new',
    'create': {'roles': ['agent'], 'rules': ['SD-01']},
    'states': {
        'new': {'title': '新建', 'kind': 'new'},
        'doing': {'title': '处理中'},
        'done': {'title': '完成', 'kind': 'closed', 'final': True},
    },
    'transitions': [
        {'key': 'start', 'title': '开始', 'from': ['new'], 'to': 'doing', 'roles': ['agent'], 'rules': ['SD-01']},
        {'key': 'finish', 'title': '完成', 'from': ['doing'], 'to': 'done', 'roles': ['agent'], 'rules': ['SD-05']},
    ],
}


def write(directory, data, name=None):
    path = directory / f'{name or data["key"]}.yaml'
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding='utf-8')
    return path


def errors_of(directory) -> list[str]:
    with pytest.raises(ProcessLoadError) as info:
        load_all(directory)
    return [str(e) for e in info.value.errors]


def variant(**changes):
    data = copy.deepcopy(VALID)
    data.update(changes)
    return data


def test_valid_file_loads(tmp_path):
    write(tmp_path, VALID)
    (loaded,) = load_all(tmp_path)
    assert loaded.definition.key == 'demo'
    assert loaded.definition.transition('finish').to == 'done'
    assert len(loaded.digest) == 64


def test_files_starting_with_underscore_are_not_processes(tmp_path):
    write(tmp_path, VALID)
    (tmp_path / '_strings.yaml').write_text('not: [a process', encoding='utf-8')
    assert [p.definition.key for p in load_all(tmp_path)] == ['demo']


def test_unknown_state_in_to(tmp_path):
    data = variant()
    data['transitions'][1]['to'] = 'finished'
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any(e.startswith(str(tmp_path / 'demo.yaml')) for e in errors)
    assert any("demo.yaml: transitions[1].to: unknown state 'finished'" in e for e in errors), errors
    # ... and, as a consequence, the final state is now unreachable; that is reported with its path too.
    assert any("demo.yaml: states.done: state 'done' cannot be reached" in e for e in errors), errors


def test_unknown_state_in_from_and_initial(tmp_path):
    data = variant(initial='draft')
    data['transitions'][0]['from'] = ['new', 'queued']
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any("demo.yaml: initial: unknown state 'draft'" in e for e in errors), errors
    assert any("demo.yaml: transitions[0].from[1]: unknown state 'queued'" in e for e in errors), errors


def test_unknown_guard_and_effect(tmp_path):
    data = variant()
    data['transitions'][0]['guards'] = ['has_team', 'moon_is_full']
    data['transitions'][0]['effects'] = ['send_fax']
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any("demo.yaml: transitions[0].guards[1]: unknown guard 'moon_is_full'" in e for e in errors), errors
    assert any("demo.yaml: transitions[0].effects[0]: unknown effect 'send_fax'" in e for e in errors), errors
    assert not any('guards[0]' in e for e in errors)  # has_team is registered


def test_unreachable_state(tmp_path):
    data = variant()
    data['states']['limbo'] = {'title': '悬空'}
    write(tmp_path, data)
    assert errors_of(tmp_path) == [
        f"{tmp_path / 'demo.yaml'}: states.limbo: state 'limbo' cannot be reached from 'new'"
    ]


def test_final_state_with_outgoing_transition(tmp_path):
    data = variant()
    data['transitions'].append(
        {'key': 'reopen', 'title': '重开', 'from': ['done'], 'to': 'doing', 'roles': ['agent'], 'rules': ['SD-05']}
    )
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any("demo.yaml: transitions[2].from[0]: state 'done' is final" in e for e in errors), errors


@pytest.mark.parametrize('bad', ['SD-1', 'XX-01', 'sd-01', 'IDC07'])
def test_bad_rule_id(tmp_path, bad):
    data = variant()
    data['transitions'][1]['rules'] = ['SD-05', bad]
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any(e.startswith(f'{tmp_path / "demo.yaml"}: transitions[1].rules') and repr(bad) in e for e in errors), (
        errors
    )


def test_transition_and_process_must_cite_rules(tmp_path):
    data = variant(rules=[])
    del data['transitions'][0]['rules']
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any('demo.yaml: rules: ' in e and 'at least one seed-rule ID' in e for e in errors), errors


def test_key_must_match_file_name(tmp_path):
    write(tmp_path, VALID, name='something_else')
    errors = errors_of(tmp_path)
    assert errors == [f"{tmp_path / 'something_else.yaml'}: key: key 'demo' must match the file name 'something_else'"]


def test_yaml_syntax_error_names_the_line(tmp_path):
    source = yaml.safe_dump(VALID, allow_unicode=True, sort_keys=False).splitlines()
    line = next(i for i, text in enumerate(source) if text.startswith('initial:'))
    source[line] = 'initial: [new'  # an unclosed flow sequence
    (tmp_path / 'demo.yaml').write_text('\n'.join(source) + '\n', encoding='utf-8')
    (error,) = errors_of(tmp_path)
    assert error.startswith(f'{tmp_path / "demo.yaml"}: line ')
    assert 'not valid YAML' in error
    reported = int(error.split(': line ')[1].split(',')[0])
    assert line + 1 <= reported <= line + 2  # the parser notices at the unclosed line or the one after


def test_top_level_must_be_a_mapping(tmp_path):
    (tmp_path / 'demo.yaml').write_text('- just\n- a list\n', encoding='utf-8')
    (error,) = errors_of(tmp_path)
    assert 'demo.yaml' in error and 'must be a mapping' in error


def test_duplicate_prefix_across_files(tmp_path):
    write(tmp_path, VALID)
    write(tmp_path, variant(key='demo_two'))
    (error,) = errors_of(tmp_path)
    assert error == f"{tmp_path / 'demo_two.yaml'}: prefix: prefix 'DM' is already used by demo"


def test_errors_of_all_files_are_reported_together(tmp_path):
    broken = variant(key='broken', prefix='BR')
    broken['transitions'][0]['to'] = 'nowhere'
    write(tmp_path, broken)
    write(tmp_path, variant(key='other', prefix='OT', initial='missing'))
    errors = errors_of(tmp_path)
    assert any(e.startswith(str(tmp_path / 'broken.yaml')) for e in errors)
    assert any(e.startswith(str(tmp_path / 'other.yaml')) for e in errors)


def test_schema_errors_carry_the_key_path(tmp_path):
    data = variant()
    data['transitions'][0]['comment'] = 'sometimes'
    data['states']['done']['kind'] = 'open'  # a final state must be closed or resolved
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any(e.startswith(f'{tmp_path / "demo.yaml"}: transitions[0].comment:') for e in errors), errors
    assert any(e.startswith(f'{tmp_path / "demo.yaml"}: states.done:') and 'final' in e for e in errors), errors


def test_approval_must_use_system_transitions(tmp_path):
    data = variant()
    data['states']['doing']['approval'] = 'boss'
    data['approvals'] = {
        'boss': {
            'title': '审批',
            'approvers': [{'relation': 'requester_superior'}],
            'on_approve': 'finish',  # a people transition: not allowed
            'on_reject': 'no_such',
        }
    }
    write(tmp_path, data)
    errors = errors_of(tmp_path)
    assert any("demo.yaml: approvals.boss.on_approve: transition 'finish' must be" in e for e in errors), errors
    assert any("demo.yaml: approvals.boss.on_reject: unknown transition 'no_such'" in e for e in errors), errors
