"""The schema of a process file (processes/*.yaml), as frozen pydantic models.

A process file is data: states, transitions, fields, approvals and clocks. Guards and effects are
*names* resolved in the registry (workflow/registry.py); nothing in a file is evaluated. Structural
checks that need the whole file (unknown states, unreachable states, unknown guard names, ...) live in
``ProcessDef.check_structure`` so that every problem is reported with its key path.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r'^[a-z][a-z0-9_]*$'
RULE_ID = re.compile(r'^(IDC|SVC|CRC|SD|CSC)-\d{2}$')
Slug = Annotated[str, Field(pattern=SLUG, max_length=50)]
# Calendar keys are data keys such as "cn-workday" and "24x7" (calendars app), not identifiers.
CalendarKey = Annotated[str, Field(pattern=r'^[a-z0-9][a-z0-9_-]*$', max_length=50)]


class Model(BaseModel):
    model_config = ConfigDict(extra='forbid', frozen=True, populate_by_name=True)


def _check_rules(rules: list[str]) -> list[str]:
    for rule in rules:
        if not RULE_ID.match(rule):
            raise ValueError(f'{rule!r} is not a seed-rule ID such as IDC-07 or CRC-07')
    return rules


class Cited(Model):
    """Anything that cites seed-rule IDs."""

    rules: list[str] = Field(default_factory=list)

    @field_validator('rules')
    @classmethod
    def _rules(cls, value: list[str]) -> list[str]:
        return _check_rules(value)


# --- Fields ----------------------------------------------------------------------------------------
class FieldType(StrEnum):
    TEXT = 'text'
    LONGTEXT = 'longtext'
    INTEGER = 'integer'
    DECIMAL = 'decimal'
    BOOLEAN = 'boolean'
    DATE = 'date'
    DATETIME = 'datetime'
    CHOICE = 'choice'
    MULTICHOICE = 'multichoice'
    USER = 'user'
    TEAM = 'team'
    CUSTOMER = 'customer'
    IP_ADDRESS = 'ip_address'
    EMAIL = 'email'
    PHONE = 'phone'
    ATTACHMENT = 'attachment'
    TABLE = 'table'


SCALAR_TYPES = set(FieldType) - {FieldType.TABLE}


class Prefill(StrEnum):
    """Where a field's value comes from when a customer contact files the ticket and leaves it empty: their own
    contact record or organisation (the portal's intake needs no retyping of who is calling)."""

    CONTACT_NAME = 'contact_name'
    CONTACT_PHONE = 'contact_phone'
    CONTACT_EMAIL = 'contact_email'
    CUSTOMER_NAME = 'customer_name'


PREFILL_TYPES = {FieldType.TEXT, FieldType.LONGTEXT, FieldType.PHONE, FieldType.EMAIL}
# Core ticket attributes a step may ask for or require alongside the process's own fields (SD-02: classify
# and prioritise). They are stored on the ticket row, not in Ticket.data.
CORE_FIELDS = ('category', 'urgency', 'impact', 'priority')


class Choice(Model):
    value: Slug
    label: str
    label_en: str = ''


class FieldDef(Cited):
    """A typed custom field of a process. ``table`` fields hold rows of scalar ``columns`` (e.g. a parts list)."""

    key: Slug
    type: FieldType
    label: str
    label_en: str = ''
    help: str = ''
    required: bool = False
    choices: list[Choice] = Field(default_factory=list)
    min: Decimal | None = None
    max: Decimal | None = None
    max_length: int | None = Field(default=None, ge=1, le=100_000)
    decimal_places: int = Field(default=2, ge=0, le=6)
    columns: list[FieldDef] = Field(default_factory=list)
    role: Slug | None = None  # for user fields: only users holding this role may be chosen
    customer_visible: bool = True
    prefill: Prefill | None = None  # customers filing: taken from their contact record when left empty

    @model_validator(mode='after')
    def _shape(self) -> FieldDef:
        if self.type in (FieldType.CHOICE, FieldType.MULTICHOICE) and not self.choices:
            raise ValueError(f'field {self.key!r} of type {self.type} needs "choices"')
        if self.type not in (FieldType.CHOICE, FieldType.MULTICHOICE) and self.choices:
            raise ValueError(f'field {self.key!r} of type {self.type} cannot have "choices"')
        if self.type == FieldType.TABLE:
            if not self.columns:
                raise ValueError(f'table field {self.key!r} needs "columns"')
            for col in self.columns:
                if col.type in (FieldType.TABLE, FieldType.ATTACHMENT):
                    raise ValueError(f'column {col.key!r} of table {self.key!r} cannot be of type {col.type}')
        elif self.columns:
            raise ValueError(f'only table fields have "columns" (field {self.key!r} is {self.type})')
        if len({c.value for c in self.choices}) != len(self.choices):
            raise ValueError(f'field {self.key!r} lists a choice value twice')
        if self.prefill is not None and self.type not in PREFILL_TYPES:
            raise ValueError(f'field {self.key!r} of type {self.type} cannot have "prefill" (only text-like fields)')
        return self


# --- States, transitions, assignment ---------------------------------------------------------------
class StateKind(StrEnum):
    """What a state means across processes (queues, dashboards and SLA use it)."""

    NEW = 'new'
    OPEN = 'open'
    PENDING = 'pending'  # waiting on someone outside the resolver (customer, approval, third party)
    RESOLVED = 'resolved'
    CLOSED = 'closed'


class AutoDef(Model):
    """How a waiting state ends by itself: a system transition at the time a field names and/or on a customer reply.

    CRC-07: a suspended (挂起) fault resumes at the expected resume time or when the customer writes back.
    """

    transition: Slug
    at_field: Slug | None = None  # a datetime field holding when to leave the state
    on_customer_reply: bool = False

    @model_validator(mode='after')
    def _some_trigger(self) -> AutoDef:
        if self.at_field is None and not self.on_customer_reply:
            raise ValueError('auto needs at_field, on_customer_reply: true, or both')
        return self


class StateDef(Cited):
    title: str
    title_en: str = ''
    kind: StateKind = StateKind.OPEN
    final: bool = False
    description: str = ''
    customer_title: str = ''  # what a customer contact sees instead of the internal title
    approval: Slug | None = None  # entering the state opens this approval step
    auto: AutoDef | None = None  # leave the state by itself at a time or on the customer's reply (挂起 resume)

    @model_validator(mode='after')
    def _final_kind(self) -> StateDef:
        if self.final and self.kind not in (StateKind.CLOSED, StateKind.RESOLVED):
            raise ValueError('a final state must have kind "closed" or "resolved"')
        return self


RELATIONS = (
    'requester',
    'requester_superior',
    'assignee',
    'assignee_superior',
    'team_member',
    'team_duty_lead',
    'customer_contact',
    'watcher',
)
Relation = Literal[
    'requester',
    'requester_superior',
    'assignee',
    'assignee_superior',
    'team_member',
    'team_duty_lead',
    'customer_contact',
    'watcher',
]


class AssignDef(Model):
    """Where a transition sends the ticket: a team (fixed, from a field or from the category) and a person."""

    team: Slug | None = None
    team_from_field: Slug | None = None
    team_from_category: bool = False
    person: Literal['keep', 'none', 'round_robin', 'duty_lead', 'actor', 'requester', 'field'] = 'keep'
    person_field: Slug | None = None
    support_level: Literal['l1', 'l2', 'l3'] | None = None

    @model_validator(mode='after')
    def _one_team_source(self) -> AssignDef:
        sources = [self.team is not None, self.team_from_field is not None, self.team_from_category]
        if sum(sources) > 1:
            raise ValueError('give at most one of team, team_from_field, team_from_category')
        if (self.person == 'field') != (self.person_field is not None):
            raise ValueError('person: field goes with person_field, and person_field only with person: field')
        return self


class TransitionDef(Cited):
    key: Slug
    title: str
    title_en: str = ''
    from_: list[Slug] = Field(alias='from', min_length=1)
    to: Slug
    roles: list[Slug] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    fields: list[Slug] = Field(default_factory=list)
    required: list[Slug] = Field(default_factory=list)
    comment: Literal['none', 'optional', 'required'] = 'optional'
    guards: list[Slug] = Field(default_factory=list)
    effects: list[Slug] = Field(default_factory=list)
    assign: AssignDef | None = None
    system: bool = False  # fired only by the engine (approval decisions, clocks), never offered as a button
    style: Literal['primary', 'secondary', 'success', 'warning', 'danger'] = 'secondary'
    confirm: str = ''

    @model_validator(mode='after')
    def _who(self) -> TransitionDef:
        if not self.system and not (self.roles or self.relations):
            raise ValueError(
                f'transition {self.key!r} names no roles or relations that may take it (or set system: true)'
            )
        missing = [f for f in self.required if f not in self.fields]
        if missing:
            raise ValueError(f'transition {self.key!r}: required fields {missing} must also be listed in "fields"')
        return self


class CreateDef(Cited):
    """Who may file a ticket of this process and which fields the intake form asks for."""

    roles: list[Slug] = Field(min_length=1)
    fields: list[Slug] = Field(default_factory=list)
    required: list[Slug] = Field(default_factory=list)
    assign: AssignDef | None = None
    effects: list[Slug] = Field(default_factory=list)


# --- Visibility ------------------------------------------------------------------------------------
# Who may see a restricted process's tickets besides the roles it names: people in these relations to the ticket.
VisibilityRelation = Literal['requester', 'assignee', 'watcher', 'approver']
VISIBILITY_RELATIONS: tuple[str, ...] = ('requester', 'assignee', 'watcher', 'approver')


class VisibilityDef(Cited):
    """Who sees the process's tickets (SVC-07: confidential processes).

    ``normal``: the roles' ticket scope decides, as for every ticket. ``restricted``: only holders of ``roles`` (all
    tickets of the process) and people in ``relations`` to a ticket see it, whatever their ticket scope — an agent or
    a general manager whose scope is "all" does not.
    """

    level: Literal['normal', 'restricted'] = 'normal'
    roles: list[Slug] = Field(default_factory=list)
    relations: list[VisibilityRelation] = Field(default_factory=list)

    @model_validator(mode='after')
    def _readers(self) -> VisibilityDef:
        if self.level == 'normal' and (self.roles or self.relations):
            raise ValueError('roles and relations apply only to "level: restricted"')
        if self.level == 'restricted':
            if not (self.roles or self.relations):
                raise ValueError('a restricted process must name the roles or relations that may see its tickets')
            if not self.rules:
                raise ValueError('a restricted visibility must cite the seed-rule ID that demands it')
        return self


# --- Approvals -------------------------------------------------------------------------------------
class ApproverDef(Model):
    role: Slug | None = None
    relation: Literal['requester_superior', 'assignee_superior', 'actor_superior', 'team_duty_lead'] | None = None

    @model_validator(mode='after')
    def _exactly_one(self) -> ApproverDef:
        if (self.role is None) == (self.relation is None):
            raise ValueError('an approver is either {role: ...} or {relation: ...}')
        return self


class ApprovalDef(Cited):
    """An approval step: ``one`` (the single resolved approver), ``any`` / ``all`` of a set, or a ``chain``."""

    title: str
    title_en: str = ''
    mode: Literal['one', 'any', 'all', 'chain'] = 'one'
    approvers: list[ApproverDef] = Field(min_length=1)
    on_approve: Slug
    on_reject: Slug
    comment_on_reject: bool = True


# --- SLA clocks (declared here; the clock engine lives in the sla app) -------------------------------
# Event names a clock trigger may use besides the process's transition keys: the timeline's event kinds,
# and three kinds of comment (a reply to the customer, an internal note, a reply written by the customer).
EVENT_NAMES = (
    'created',
    'transitioned',
    'assigned',
    'fields_changed',
    'commented',
    'reply',
    'note',
    'customer_reply',
    'attachment_added',
)


class Duration(Model):
    """A target duration: wall-clock units, or working units on the clock's calendar."""

    minutes: int | None = Field(default=None, ge=1)
    hours: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    working_minutes: int | None = Field(default=None, ge=1)
    working_hours: int | None = Field(default=None, ge=1)
    working_days: int | None = Field(default=None, ge=1)

    @model_validator(mode='after')
    def _exactly_one(self) -> Duration:
        given = [k for k, v in self.model_dump().items() if v is not None]
        if len(given) != 1:
            raise ValueError(
                'a duration has exactly one of minutes, hours, days, working_minutes, working_hours, '
                f'working_days (got {given or "none"})'
            )
        return self


class Trigger(Model):
    states: list[Slug] = Field(default_factory=list)
    events: list[Slug] = Field(default_factory=list)


class EscalationDef(Cited):
    level: int = Field(ge=1, le=9)
    after: Duration
    notify_roles: list[Slug] = Field(default_factory=list)
    notify_relations: list[Relation] = Field(default_factory=list)
    reassign_team: Slug | None = None
    raise_priority: Literal['p1', 'p2', 'p3', 'p4'] | None = None
    # A system transition the escalation takes when the ticket is still in one of its start states (SVC-08: what
    # the acceptance engineer cannot solve within the time limit goes to a network management engineer).
    transition: Slug | None = None


class RecurringDef(Model):
    every: Duration
    reset_on: list[Slug] = Field(min_length=1)


class ClockDef(Cited):
    key: Slug
    title: str
    title_en: str = ''
    start: Trigger
    stop: Trigger
    pause: Trigger = Field(default_factory=Trigger)
    target: Duration
    calendar: CalendarKey | None = None
    by_priority: dict[Literal['p1', 'p2', 'p3', 'p4'], Duration] = Field(default_factory=dict)
    by_customer_level: dict[Slug, Duration] = Field(default_factory=dict)
    recurring: RecurringDef | None = None
    warn_before: Duration | None = None  # a warning this long before the deadline (CRC-05 "warn before deadlines")
    escalations: list[EscalationDef] = Field(default_factory=list)

    @model_validator(mode='after')
    def _ladder(self) -> ClockDef:
        levels = [e.level for e in self.escalations]
        if len(set(levels)) != len(levels):
            raise ValueError(f'clock {self.key!r}: an escalation level is used twice')
        if levels != sorted(levels):
            raise ValueError(f'clock {self.key!r}: list the escalations in level order')
        if self.pause.events:
            raise ValueError(f'clock {self.key!r}: pause takes states only (a clock is paused while in them)')
        return self


# --- The process -----------------------------------------------------------------------------------
class CategoryDef(Model):
    key: Slug
    label: str
    label_en: str = ''
    team: Slug | None = None  # default resolver team for SD-03 style dispatch


LEVELS = ('low', 'medium', 'high')


# Where a process belongs: the intake menu and the queue's process filter group processes by it, in this order.
ProcessArea = Literal['service_desk', 'service_center', 'idc', 'crc', 'emergency', 'other']
PROCESS_AREAS: tuple[str, ...] = ('service_desk', 'service_center', 'idc', 'crc', 'emergency', 'other')


class ProcessDef(Cited):
    key: Slug
    title: str
    title_en: str = ''
    description: str = ''
    area: ProcessArea = 'other'
    prefix: Annotated[str, Field(pattern=r'^[A-Z][A-Z0-9]{1,7}$')]
    calendar: CalendarKey | None = None
    initial: Slug
    categories: list[CategoryDef] = Field(default_factory=list)
    fields: list[FieldDef] = Field(default_factory=list)
    create: CreateDef
    visibility: VisibilityDef = Field(default_factory=VisibilityDef)
    states: dict[Slug, StateDef]
    transitions: list[TransitionDef]
    approvals: dict[Slug, ApprovalDef] = Field(default_factory=dict)
    clocks: list[ClockDef] = Field(default_factory=list)
    # urgency x impact -> priority; defaults to gongdan.tickets.priority.DEFAULT_MATRIX
    priority_matrix: (
        dict[Literal['low', 'medium', 'high'], dict[Literal['low', 'medium', 'high'], Literal['p1', 'p2', 'p3', 'p4']]]
        | None
    ) = None

    @field_validator('rules')
    @classmethod
    def _process_cites(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError('a process must cite at least one seed-rule ID')
        return value

    # Lookups used by the engine ------------------------------------------------------------------
    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def transition(self, key: str) -> TransitionDef:
        for t in self.transitions:
            if t.key == key:
                return t
        raise KeyError(key)

    def transitions_from(self, state: str) -> list[TransitionDef]:
        return [t for t in self.transitions if state in t.from_]

    def event_names(self) -> set[str]:
        """Names a clock may start, stop or reset on: timeline event kinds, comment kinds and transition keys."""
        return set(EVENT_NAMES) | {t.key for t in self.transitions}

    def category(self, key: str) -> CategoryDef | None:
        return next((c for c in self.categories if c.key == key), None)

    # Whole-file structural checks ----------------------------------------------------------------
    def structure_errors(self, *, guards: set[str], effects: set[str]) -> list[tuple[str, str]]:
        """Every structural problem as (key path, message); empty when the process is sound."""
        errors: list[tuple[str, str]] = []
        states = set(self.states)
        field_keys = [f.key for f in self.fields]
        fields = set(field_keys) | set(CORE_FIELDS)
        known = ', '.join(sorted(states))

        if self.initial not in states:
            errors.append(('initial', f'unknown state {self.initial!r} (known: {known})'))
        if len(set(field_keys)) != len(field_keys):
            errors.append(('fields', 'a field key is used twice'))
        errors += [
            (f'fields[{i}].key', f'{k!r} is a core ticket attribute; name the field differently')
            for i, k in enumerate(field_keys)
            if k in CORE_FIELDS
        ]
        for i, key in enumerate(self.create.fields):
            if key not in fields:
                errors.append((f'create.fields[{i}]', f'unknown field {key!r}'))
        for i, key in enumerate(self.create.required):
            if key not in self.create.fields:
                errors.append((f'create.required[{i}]', f'{key!r} must also be listed in create.fields'))
        errors += self._assign_errors('create.assign', self.create.assign, fields)
        errors += [
            (f'create.effects[{i}]', f'unknown effect {e!r}')
            for i, e in enumerate(self.create.effects)
            if e not in effects
        ]

        seen_keys: set[str] = set()
        for i, t in enumerate(self.transitions):
            where = f'transitions[{i}]'
            if t.key in seen_keys:
                errors.append((f'{where}.key', f'transition key {t.key!r} is used twice'))
            seen_keys.add(t.key)
            for j, s in enumerate(t.from_):
                if s not in states:
                    errors.append((f'{where}.from[{j}]', f'unknown state {s!r} (known: {known})'))
                elif self.states[s].final:
                    errors.append((f'{where}.from[{j}]', f'state {s!r} is final and cannot have outgoing transitions'))
            if t.to not in states:
                errors.append((f'{where}.to', f'unknown state {t.to!r} (known: {known})'))
            for j, f in enumerate(t.fields):
                if f not in fields:
                    errors.append((f'{where}.fields[{j}]', f'unknown field {f!r}'))
            errors += [
                (f'{where}.guards[{j}]', f'unknown guard {g!r} (registered: {", ".join(sorted(guards))})')
                for j, g in enumerate(t.guards)
                if g not in guards
            ]
            errors += [
                (f'{where}.effects[{j}]', f'unknown effect {e!r} (registered: {", ".join(sorted(effects))})')
                for j, e in enumerate(t.effects)
                if e not in effects
            ]
            errors += self._assign_errors(f'{where}.assign', t.assign, fields)
            if not t.rules:
                errors.append((f'{where}.rules', f'transition {t.key!r} cites no seed-rule ID'))

        for key, state in self.states.items():
            if state.approval and state.approval not in self.approvals:
                errors.append((f'states.{key}.approval', f'unknown approval step {state.approval!r}'))
        for key, approval in self.approvals.items():
            holders = [s for s, st in self.states.items() if st.approval == key]
            if not holders:
                errors.append((f'approvals.{key}', 'no state opens this approval step'))
            for end in ('on_approve', 'on_reject'):
                tkey = getattr(approval, end)
                t = next((t for t in self.transitions if t.key == tkey), None)
                if t is None:
                    errors.append((f'approvals.{key}.{end}', f'unknown transition {tkey!r}'))
                elif not t.system:
                    errors.append((f'approvals.{key}.{end}', f'transition {tkey!r} must be "system: true"'))
                elif holders and not set(holders) <= set(t.from_):
                    errors.append((f'approvals.{key}.{end}', f'transition {tkey!r} must start from {holders}'))
        known_events = self.event_names()
        for i, clock in enumerate(self.clocks):
            for part in ('start', 'stop', 'pause'):
                for j, s in enumerate(getattr(clock, part).states):
                    if s not in states:
                        errors.append((f'clocks[{i}].{part}.states[{j}]', f'unknown state {s!r}'))
                for j, e in enumerate(getattr(clock, part).events):
                    if e not in known_events:
                        errors.append((f'clocks[{i}].{part}.events[{j}]', f'unknown event {e!r}'))
            if not (clock.start.states or clock.start.events):
                errors.append((f'clocks[{i}].start', 'a clock needs a state or an event that starts it'))
            for j, e in enumerate(clock.recurring.reset_on if clock.recurring else []):
                if e not in known_events:
                    errors.append((f'clocks[{i}].recurring.reset_on[{j}]', f'unknown event {e!r}'))
            if not clock.rules:
                errors.append((f'clocks[{i}].rules', f'clock {clock.key!r} cites no seed-rule ID'))
            for j, esc in enumerate(clock.escalations):
                if esc.transition is None:
                    continue
                t = next((t for t in self.transitions if t.key == esc.transition), None)
                if t is None:
                    errors.append(
                        (f'clocks[{i}].escalations[{j}].transition', f'unknown transition {esc.transition!r}')
                    )
                elif not t.system:
                    errors.append(
                        (f'clocks[{i}].escalations[{j}].transition', f'transition {t.key!r} must be "system: true"')
                    )
        for key, state in self.states.items():
            if state.auto is None:
                continue
            t = next((t for t in self.transitions if t.key == state.auto.transition), None)
            if t is None:
                errors.append((f'states.{key}.auto.transition', f'unknown transition {state.auto.transition!r}'))
            elif not t.system or key not in t.from_:
                errors.append(
                    (
                        f'states.{key}.auto.transition',
                        f'transition {t.key!r} must be "system: true" and start from {key!r}',
                    )
                )
            if state.auto.at_field is not None:
                f = next((f for f in self.fields if f.key == state.auto.at_field), None)
                if f is None or f.type != FieldType.DATETIME:
                    errors.append((f'states.{key}.auto.at_field', f'{state.auto.at_field!r} is not a datetime field'))
        if len({c.key for c in self.clocks}) != len(self.clocks):
            errors.append(('clocks', 'a clock key is used twice'))

        errors += self._reachability_errors()
        return errors

    def _assign_errors(self, where: str, assign: AssignDef | None, fields: set[str]) -> list[tuple[str, str]]:
        errors = []
        if assign is None:
            return errors
        for attr in ('team_from_field', 'person_field'):
            key = getattr(assign, attr)
            if key is not None and key not in fields:
                errors.append((f'{where}.{attr}', f'unknown field {key!r}'))
        if assign.team_from_category and not self.categories:
            errors.append((f'{where}.team_from_category', 'the process declares no categories'))
        return errors

    def _reachability_errors(self) -> list[tuple[str, str]]:
        if self.initial not in self.states:
            return []
        reached, frontier = {self.initial}, [self.initial]
        while frontier:
            state = frontier.pop()
            for t in self.transitions_from(state):
                if t.to in self.states and t.to not in reached:
                    reached.add(t.to)
                    frontier.append(t.to)
        errors = [
            (f'states.{s}', f'state {s!r} cannot be reached from {self.initial!r}')
            for s in self.states
            if s not in reached
        ]
        if not any(self.states[s].final for s in reached):
            errors.append(('states', 'no final state can be reached'))
        return errors
