"""Serializers of tickets, their timeline, comments and available actions.

Serializers only check the *shape* of a request; what a value means for the business (is the category known
to the process, may this user take this step, is the revision current) is decided by the actions, whose
errors the API turns into ``{code, detail, fields}``.

What customers see: a customer contact gets the customer-facing state titles, only the custom fields marked
``customer_visible``, and never internal comments or internal events (``tickets.queries``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.accounts.api.serializers import CustomerRefSerializer, TeamRefSerializer, UserRefSerializer
from gongdan.customers.models import Contact, Customer
from gongdan.tickets.choices import Channel, Level, Priority
from gongdan.tickets.models import Comment, Ticket, TicketEvent
from gongdan.tickets.queries import sees_internal
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


class TicketCreateSerializer(serializers.Serializer):
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


class TransitionSerializer(serializers.Serializer):
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
