"""Pure-ish process logic: who may take a transition, which transitions are open, where a ticket goes.

Writing happens only in workflow/actions.py; this module reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from gongdan.utilities.errors import NotAllowed

from . import registry
from .schema import AssignDef, ProcessDef, TransitionDef

if TYPE_CHECKING:
    from gongdan.accounts.models import Team, User
    from gongdan.tickets.models import Ticket

ADMIN_ROLE = 'administrator'


def is_admin(user: User | None) -> bool:
    return user is not None and (user.is_superuser or user.has_role(ADMIN_ROLE))


def has_relation(ticket: Ticket, user: User, relation: str) -> bool:
    """Does ``user`` stand in ``relation`` to ``ticket``? (the relative roles of process files)"""
    match relation:
        case 'requester':
            return ticket.requester_id == user.pk
        case 'requester_superior':
            return ticket.requester_id is not None and _is(ticket.requester.superior(), user)
        case 'assignee':
            return ticket.assignee_id == user.pk
        case 'assignee_superior':
            return ticket.assignee_id is not None and _is(ticket.assignee.superior(), user)
        case 'team_member':
            return ticket.team_id is not None and ticket.team.members.filter(pk=user.pk).exists()
        case 'team_duty_lead':
            return ticket.team_id is not None and ticket.team.duty_lead_id == user.pk
        case 'customer_contact':
            return user.customer_id is not None and ticket.customer_id == user.customer_id
        case 'watcher':
            return ticket.watchers.filter(pk=user.pk).exists()
    raise ValueError(f'unknown relation {relation!r}')


def _is(a: User | None, b: User) -> bool:
    return a is not None and a.pk == b.pk


def may_take(ticket: Ticket, transition: TransitionDef, user: User) -> bool:
    """Whether ``user`` holds a role or relation the transition names (administrators may take any)."""
    if transition.system:
        return False
    if user.customer_id is not None:
        # Customer contacts act only through relations such as customer_contact, never through staff roles.
        return any(has_relation(ticket, user, r) for r in transition.relations)
    if is_admin(user) or user.has_role(*transition.roles):
        return True
    return any(has_relation(ticket, user, r) for r in transition.relations)


def guard_refusals(transition: TransitionDef, ctx: registry.TransitionContext) -> list[str]:
    """The reasons the transition's guards give for refusing now (empty when all pass)."""
    reasons = []
    for name in transition.guards:
        reason = registry.get_guard(name)(ctx)
        if reason:
            reasons.append(str(reason))
    return reasons


@dataclass
class AvailableAction:
    """A transition as offered to one user now: allowed, or blocked with the guards' reasons."""

    transition: TransitionDef
    blocked_reasons: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blocked_reasons


def available_actions(ticket: Ticket, user: User) -> list[AvailableAction]:
    """Transitions out of the ticket's state that ``user`` may take, each with its guard verdict.

    Guards that depend on values the user has yet to enter are evaluated with the ticket's current values;
    the final verdict is always given again by do_transition.
    """
    spec = ticket.spec
    out = []
    for transition in spec.transitions_from(ticket.state):
        if not may_take(ticket, transition, user):
            continue
        ctx = registry.TransitionContext(ticket=ticket, actor=user, process=spec, transition=transition, values={})
        out.append(AvailableAction(transition, guard_refusals(transition, ctx)))
    return out


# --- assignment ------------------------------------------------------------------------------------
@dataclass
class Assignment:
    team: Team | None
    assignee: User | None
    support_level: str | None


def resolve_assignment(
    ticket: Ticket, assign: AssignDef, spec: ProcessDef, *, actor: User | None, values: dict
) -> Assignment:
    """Where ``assign`` sends the ticket (called inside actions: round-robin advances the team's pointer)."""
    from gongdan.accounts.actions import do_take_round_robin_turn
    from gongdan.accounts.models import Team, User
    from gongdan.tickets.models import Category

    team = ticket.team
    merged = {**ticket.data, **values}
    team_key = None
    if assign.team:
        team_key = assign.team
    elif assign.team_from_field:
        team_key = merged.get(assign.team_from_field)
    elif assign.team_from_category:
        category = spec.category(ticket.category) if ticket.category else None
        team_key = category.team if category else None
        if team_key is None and ticket.category:
            db_category = Category.objects.filter(key=ticket.category).select_related('default_team').first()
            team_key = db_category.default_team.key if db_category and db_category.default_team else None
        if team_key is None:
            raise NotAllowed(
                _('Category {category} has no resolver team; choose a team by hand.').format(
                    category=ticket.category or '-'
                )
            )
    if team_key:
        team = Team.objects.filter(key=team_key, is_active=True).first()
        if team is None:
            raise NotAllowed(
                _('The resolver team "{team}" is not set up; ask an administrator to create it.').format(team=team_key)
            )

    assignee = ticket.assignee
    match assign.person:
        case 'keep':
            if team is not None and ticket.team_id != team.pk:
                assignee = None  # a new team decides who works on it
        case 'none':
            assignee = None
        case 'actor':
            assignee = actor
        case 'requester':
            assignee = ticket.requester
        case 'duty_lead':
            assignee = team.duty_lead if team else None
        case 'field':
            user_id = merged.get(assign.person_field)
            assignee = User.objects.filter(pk=user_id).first() if user_id else None
        case 'round_robin':
            assignee = do_take_round_robin_turn(team) if team else None
    return Assignment(team=team, assignee=assignee, support_level=assign.support_level)
