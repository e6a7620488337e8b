"""Unit tests of the service guards (CSC-03 classes, SVC-08 hand-off reasons, CSC-04 planned windows) and of the
process-file check for escalations that take a transition (SVC-08 automatic L1 → L2)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongdan.service import guards
from gongdan.workflow.registry import TransitionContext
from gongdan.workflow.schema import ProcessDef


def ctx(category='', data=None, values=None, process=None):
    ticket = SimpleNamespace(category=category, data=data or {})
    return TransitionContext(ticket=ticket, actor=None, process=process, transition=None, values=values or {})


@pytest.fixture
def spec():
    return SimpleNamespace(category=lambda key: SimpleNamespace(label={'consultation': '咨询'}.get(key, key)))


def test_csc03_class_guards_allow_only_their_class(spec):
    """CSC-03: each accept step takes only its class; the refusal names the request's class."""
    assert guards.request_is_fault_support(ctx('fault_support', process=spec)) is None
    assert guards.request_is_technical_consultation(ctx('technical_consultation', process=spec)) is None
    assert guards.request_is_consultation(ctx('consultation', process=spec)) is None
    assert '咨询' in guards.request_is_fault_support(ctx('consultation', process=spec))
    assert guards.request_is_complaint(ctx('complaint')) is None
    assert guards.request_is_complaint(ctx('consultation'))


def test_svc08_only_technical_requests_go_to_l2():
    """SVC-08: technical consultations and fault support go to L2; a general consultation does not."""
    assert guards.request_is_technical(ctx('technical_consultation')) is None
    assert guards.request_is_technical(ctx('fault_support')) is None
    assert guards.request_is_technical(ctx('consultation'))


def test_svc08_each_hand_off_gives_its_own_reason():
    """SVC-08 / CSC-04: the reason stored by an earlier hand-off does not count for this one."""
    assert guards.handoff_reason_given(ctx(values={'handoff_reason': '远程无法解决'})) is None
    assert guards.handoff_reason_given(ctx(data={'handoff_reason': '上一次的原因'}))
    assert guards.handoff_reason_given(ctx(values={'handoff_reason': '   '}))


def test_csc04_planned_window_and_callback_guards():
    """CSC-04: the planned window lies ahead and ends after it starts; a dissatisfied callback does not close."""
    soon = timezone.now() + dt.timedelta(days=1)
    later = soon + dt.timedelta(hours=2)
    assert guards.planned_window_valid(ctx(values={'planned_start': soon, 'planned_end': later})) is None
    assert (
        guards.planned_window_valid(ctx(data={'planned_start': soon.isoformat(), 'planned_end': later.isoformat()}))
        is None
    )
    assert guards.planned_window_valid(ctx(values={'planned_start': later, 'planned_end': soon}))
    past = timezone.now() - dt.timedelta(hours=1)
    assert guards.planned_window_valid(ctx(values={'planned_start': past, 'planned_end': later}))
    assert guards.planned_window_valid(ctx())
    assert guards.customer_satisfied_to_close(ctx(values={'customer_satisfied': 'yes'})) is None
    assert guards.customer_satisfied_to_close(ctx(values={'customer_satisfied': 'no'}))


def _process(escalation_transition, system=True):
    return ProcessDef.model_validate(
        {
            'key': 'demo_tiers',
            'title': '分级',
            'prefix': 'DT',
            'rules': ['SVC-08'],
            'initial': 'l1',
            'create': {'roles': ['agent'], 'rules': ['SVC-08']},
            'states': {
                'l1': {'title': '一线', 'kind': 'new', 'rules': ['SVC-08']},
                'l2': {'title': '二线', 'kind': 'closed', 'final': True, 'rules': ['SVC-08']},
            },
            'transitions': [
                {
                    'key': 'up',
                    'title': '升级',
                    'rules': ['SVC-08'],
                    'from': ['l1'],
                    'to': 'l2',
                    'system': system,
                    'roles': [] if system else ['agent'],
                },
            ],
            'clocks': [
                {
                    'key': 'l1',
                    'title': '一线时限',
                    'rules': ['SVC-08'],
                    'start': {'states': ['l1']},
                    'stop': {'states': ['l2']},
                    'target': {'minutes': 30},
                    'escalations': [
                        {'level': 1, 'after': {'minutes': 30}, 'transition': escalation_transition, 'rules': ['SVC-08']}
                    ],
                },
            ],
        }
    )


def test_svc08_an_escalation_may_take_only_a_known_system_transition():
    """SVC-08: the file check accepts an escalation naming a system transition, rejects an unknown or manual one."""
    assert _process('up').structure_errors(guards=set(), effects=set()) == []
    errors = _process('nope').structure_errors(guards=set(), effects=set())
    assert [p for p, _ in errors] == ['clocks[0].escalations[0].transition']
    errors = _process('up', system=False).structure_errors(guards=set(), effects=set())
    assert any('system: true' in m for _, m in errors)
