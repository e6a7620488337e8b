"""Serializers of tickets, their timeline, comments and available actions.

Serializers only check the *shape* of a request; what a value means for the business (is the category known
to the process, may this user take this step, is the revision current) is decided by the actions, whose
errors the API turns into ``{code, detail, fields}``.

What customers see: a customer contact gets the customer-facing state titles, only the custom fields marked
``customer_visible``, and never internal comments or internal events (``tickets.queries``).
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.accounts.api.serializers import CustomerRefSerializer, TeamRefSerializer, UserRefSerializer
from gongdan.accounts.models import User
from gongdan.customers.models import Contact, Customer
from gongdan.tickets.choices import Channel, Level, Priority
from gongdan.tickets.models import Comment, Ticket, TicketEvent
from gongdan.tickets.queries import sees_internal
from gongdan.utilities.api import SharedFieldsMixin
from gongdan.utilities.prepared import PreparedQuery
from gongdan.workflow.api.serializers import FieldSerializer, describe_field, localized, state_title
from gongdan.workflow.schema import CORE_FIELDS


def _user(context) -> Any:
    request = context.get('request')
    return request.user if request is not None else None


def _is_customer(context) -> bool:
    user = _user(context)
    return user is not None and not sees_internal(user)


def hidden_fields(ticket: Ticket) -> set[str]:
    """The custom fields of the ticket's process that customers never see."""
    return {f.key for f in ticket.spec.fields if not f.customer_visible}


# --- Ticket representation ------------------------------------------------------------------------------
# The ticket serializers below declare their fields for the OpenAPI schema, but build their JSON by hand in
# to_representation(): DRF's ModelSerializer constructs ~30 field objects per ticket and per request, which was
# the largest single cost of creating a ticket through the API (issue #2, item 9). The declared fields and these
# functions must agree; tests/test_api.py compares the two for list, detail and create.
_DATETIME = serializers.DateTimeField()  # DRF's own rendering: ISO 8601 in the current time zone


def _datetime(value) -> str | None:
    return _DATETIME.to_representation(value) if value else None


def _user_ref(user: User | None) -> dict | None:
    return None if user is None else {'id': user.pk, 'username': user.username, 'display_name': str(user)}


def _team_ref(team) -> dict | None:
    return None if team is None else {'key': team.key, 'name': team.name}


def _customer_ref(customer) -> dict | None:
    return None if customer is None else {'id': customer.pk, 'code': customer.code, 'name': customer.name}


def _contact_ref(contact) -> dict | None:
    if contact is None:
        return None
    return {'id': contact.pk, 'name': contact.name, 'phone': contact.phone, 'email': contact.email}


def _absolute(context, path: str) -> str:
    request = context.get('request')
    return request.build_absolute_uri(path) if request is not None else path


_PATH_SENTINEL = '9182736450'  # matches both \d+ and str route parameters
_path_templates: dict[tuple[str, str], tuple[str, str]] = {}


def _path(name: str, kwarg: str, value) -> str:
    """``reverse(name, kwargs={kwarg: value})`` for one-parameter routes, reversed once per route and script
    prefix (reverse() resolves the whole URLconf on every call; a queue page reverses two URLs per row)."""
    key = (name, get_script_prefix())
    template = _path_templates.get(key)
    if template is None:
        before, _sentinel, after = reverse(name, kwargs={kwarg: _PATH_SENTINEL}).partition(_PATH_SENTINEL)
        template = _path_templates[key] = (before, after)
    # reverse() quotes the path the same way
    return f'{template[0]}{quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@")}{template[1]}'


@functools.cache
def _user_attnames() -> tuple[str, ...]:
    return tuple(f.attname for f in User._meta.concrete_fields)


# A ticket's watchers (users ordered by username, as ticket.watchers.all()) in one prepared statement.
_WATCHERS = PreparedQuery(
    lambda ticket_id: User.objects.filter(watched_tickets=ticket_id).values_list(*_user_attnames()), -918273645
)


def ticket_watchers(ticket: Ticket) -> list[User]:
    """The watchers: prefetched ones if the queryset prefetched them, else one prepared query."""
    prefetched = getattr(ticket, '_prefetched_objects_cache', {}).get('watchers')
    if prefetched is not None:
        return list(prefetched)
    db = ticket._state.db or 'default'
    return [User.from_db(db, _user_attnames(), row) for row in _WATCHERS.rows(ticket.pk, using=db)]


def ticket_row(ticket: Ticket, context) -> dict[str, Any]:
    """A ticket as ``TicketSerializer`` declares it (a queue row)."""
    spec = ticket.spec
    return {
        'id': ticket.pk,
        'number': ticket.number,
        'title': ticket.title,
        'process': ticket.process.key,
        'process_title': localized(spec),
        'process_version': ticket.process_version.number,
        'state': ticket.state,
        'state_title': state_title(spec, ticket.state, for_customer=_is_customer(context)),
        'state_kind': ticket.state_kind,
        'priority': ticket.priority,
        'category': ticket.category,
        'channel': ticket.channel,
        'customer': _customer_ref(ticket.customer),
        'team': _team_ref(ticket.team),
        'assignee': _user_ref(ticket.assignee),
        'support_level': ticket.support_level,
        'created_at': _datetime(ticket.created_at),
        'updated_at': _datetime(ticket.updated_at),
        'revision': ticket.revision,
        'url': _absolute(context, _path('api-ticket-detail', 'pk', ticket.pk)),
    }


def ticket_detail(ticket: Ticket, context) -> dict[str, Any]:
    """A ticket as ``TicketDetailSerializer`` declares it (everything its page shows)."""
    if _is_customer(context):
        hidden = hidden_fields(ticket)
        data = {k: v for k, v in ticket.data.items() if k not in hidden}
    else:
        data = ticket.data
    return {
        **ticket_row(ticket, context),
        'description': ticket.description,
        'urgency': ticket.urgency,
        'impact': ticket.impact,
        'data': data,
        'requester': _user_ref(ticket.requester),
        'contact': _contact_ref(ticket.contact),
        'watchers': [_user_ref(user) for user in ticket_watchers(ticket)],
        'resolved_at': _datetime(ticket.resolved_at),
        'closed_at': _datetime(ticket.closed_at),
        'web_url': _absolute(context, _path('tickets:ticket', 'number', ticket.number)),  # get_absolute_url()
    }


class ContactRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as listed: the row of a queue."""

    process = serializers.SlugRelatedField(slug_field='key', read_only=True)
    process_title = serializers.SerializerMethodField()
    process_version = serializers.IntegerField(source='process_version.number', read_only=True)
    state_title = serializers.SerializerMethodField()
    customer = CustomerRefSerializer(allow_null=True, read_only=True)
    team = TeamRefSerializer(allow_null=True, read_only=True)
    assignee = UserRefSerializer(allow_null=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            'id',
            'number',
            'title',
            'process',
            'process_title',
            'process_version',
            'state',
            'state_title',
            'state_kind',
            'priority',
            'category',
            'channel',
            'customer',
            'team',
            'assignee',
            'support_level',
            'created_at',
            'updated_at',
            'revision',
            'url',
        ]
        read_only_fields = fields

    def to_representation(self, ticket):
        return ticket_row(ticket, self.context)

    # The methods below document the fields' types for the schema; to_representation() does the work.
    def get_process_title(self, ticket) -> str:
        return localized(ticket.spec)

    def get_state_title(self, ticket) -> str:
        return state_title(ticket.spec, ticket.state, for_customer=_is_customer(self.context))

    def get_url(self, ticket) -> str:
        path = reverse('api-ticket-detail', kwargs={'pk': ticket.pk})
        request = self.context.get('request')
        return request.build_absolute_uri(path) if request is not None else path


class TicketDetailSerializer(TicketSerializer):
    """A ticket with everything a client shows on its page. ``data`` holds the custom field values (stored
    formats: see workflow/fields.py); customers get only the fields marked ``customer_visible``."""

    data = serializers.SerializerMethodField()
    requester = UserRefSerializer(allow_null=True, read_only=True)
    contact = ContactRefSerializer(allow_null=True, read_only=True)
    watchers = UserRefSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = [
            *TicketSerializer.Meta.fields,
            'description',
            'urgency',
            'impact',
            'data',
            'requester',
            'contact',
            'watchers',
            'resolved_at',
            'closed_at',
            'web_url',
        ]
        read_only_fields = fields

    def to_representation(self, ticket):
        return ticket_detail(ticket, self.context)

    @extend_schema_field(serializers.DictField())
    def get_data(self, ticket) -> dict:
        if not _is_customer(self.context):
            return ticket.data
        hidden = hidden_fields(ticket)
        return {k: v for k, v in ticket.data.items() if k not in hidden}

    def get_web_url(self, ticket) -> str:
        request = self.context.get('request')
        path = ticket.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class TicketCreateSerializer(SharedFieldsMixin, serializers.Serializer):
    """``POST /tickets/``: file a ticket of ``process`` (its ``create.fields`` go in ``fields``)."""

    process = serializers.SlugField(max_length=50)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default='', trim_whitespace=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_blank=True, default='')
    urgency = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default='')
    impact = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default='')
    category = serializers.CharField(required=False, allow_blank=True, default='', max_length=50)
    customer = serializers.CharField(
        required=False, allow_null=True, default=None, help_text='Customer id or code.', max_length=50
    )
    contact = serializers.IntegerField(required=False, allow_null=True, default=None, help_text='Contact id.')
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.API)
    fields = serializers.DictField(required=False, default=dict, help_text='Values of the process create fields.')

    def validate_customer(self, value) -> Customer | None:
        if value in (None, ''):
            return None
        user = _user(self.context)
        # A customer contact can only name their own organisation; others are "not found", not "forbidden".
        query = Customer.objects.all() if sees_internal(user) else Customer.objects.filter(pk=user.customer_id)
        text = str(value).strip()
        customer = query.filter(pk=int(text)).first() if text.isdigit() else None
        customer = customer or query.filter(code=text).first()
        if customer is None:
            raise serializers.ValidationError(_('No such customer.'))
        return customer

    def validate_contact(self, value) -> Contact | None:
        if value is None:
            return None
        user = _user(self.context)
        query = Contact.objects.all() if sees_internal(user) else Contact.objects.filter(customer_id=user.customer_id)
        contact = query.filter(pk=value).first()
        if contact is None:
            raise serializers.ValidationError(_('No such contact.'))
        return contact


class TransitionSerializer(SharedFieldsMixin, serializers.Serializer):
    """``POST /tickets/{id}/actions/{key}/``: the values the step asks for, a comment, and optionally the
    revision the client last saw (a different current revision gives 409)."""

    fields = serializers.DictField(required=False, default=dict)
    comment = serializers.CharField(required=False, allow_blank=True, default='', trim_whitespace=False)
    comment_internal = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text='Keep the comment internal. Default: internal for staff, public for customer contacts.',
    )
    revision = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class AvailableActionSerializer(serializers.Serializer):
    """One step the caller may take now: ``allowed`` false means a guard blocks it, for ``blocked_reasons``."""

    key = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    to = serializers.CharField()
    to_title = serializers.CharField()
    allowed = serializers.BooleanField()
    blocked_reasons = serializers.ListField(child=serializers.CharField())
    comment = serializers.ChoiceField(choices=['none', 'optional', 'required'])
    style = serializers.CharField()
    confirm = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())
    fields = FieldSerializer(many=True)

    def to_representation(self, available):
        ticket = self.context['ticket']
        spec = ticket.spec
        transition = available.transition
        required = set(transition.required)
        customer = _is_customer(self.context)
        fields = []
        for key in transition.fields:
            described = describe_field(spec, key, required=key in required)
            if customer and not described['customer_visible']:
                continue
            described['value'] = getattr(ticket, key) if key in CORE_FIELDS else ticket.data.get(key)
            fields.append(described)
        return {
            'key': transition.key,
            'title': transition.title,
            'title_en': transition.title_en,
            'to': transition.to,
            'to_title': state_title(spec, transition.to, for_customer=customer),
            'allowed': available.allowed,
            'blocked_reasons': list(available.blocked_reasons),
            'comment': transition.comment,
            'style': transition.style,
            'confirm': transition.confirm,
            'rules': list(transition.rules),
            'fields': fields,
        }


class CommentSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Comment
        fields = ['id', 'author', 'body', 'is_internal', 'created_at']
        read_only_fields = ['id', 'author', 'created_at']
        extra_kwargs = {'body': {'trim_whitespace': False, 'allow_blank': True}}


class EventCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    is_internal = serializers.BooleanField()


class EventSerializer(serializers.ModelSerializer):
    """One row of the timeline. ``changes`` maps each changed value to ``[before, after]``."""

    actor = UserRefSerializer(allow_null=True, read_only=True)
    kind_title = serializers.CharField(source='get_kind_display')
    transition_title = serializers.SerializerMethodField()
    from_state_title = serializers.SerializerMethodField()
    to_state_title = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = [
            'id',
            'kind',
            'kind_title',
            'created_at',
            'actor',
            'transition',
            'transition_title',
            'from_state',
            'from_state_title',
            'to_state',
            'to_state_title',
            'changes',
            'note',
            'comment',
            'is_internal',
        ]
        read_only_fields = fields

    def _spec(self):
        return self.context['ticket'].spec

    def get_transition_title(self, event) -> str:
        if not event.transition:
            return ''
        try:
            return localized(self._spec().transition(event.transition))
        except KeyError:
            return event.transition

    def get_from_state_title(self, event) -> str:
        if not event.from_state:
            return ''
        return state_title(self._spec(), event.from_state, for_customer=_is_customer(self.context))

    def get_to_state_title(self, event) -> str:
        if not event.to_state:
            return ''
        return state_title(self._spec(), event.to_state, for_customer=_is_customer(self.context))

    @extend_schema_field(serializers.DictField(child=serializers.ListField()))
    def get_changes(self, event) -> dict:
        if not _is_customer(self.context):
            return event.changes
        hidden = self.context.setdefault('_hidden_fields', hidden_fields(self.context['ticket']))
        return {k: v for k, v in event.changes.items() if k not in hidden}

    @extend_schema_field(EventCommentSerializer(allow_null=True))
    def get_comment(self, event) -> dict | None:
        comment = event.comment
        if comment is None or (comment.is_internal and _is_customer(self.context)):
            return None
        return {'id': comment.pk, 'body': comment.body, 'is_internal': comment.is_internal}
