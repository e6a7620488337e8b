"""Serializers of process definitions, and the field descriptions the ticket API reuses for its forms.

Process files carry Chinese ``title``/``label`` and English ``title_en``/``label_en``; the API always returns
both, and ``*_title`` helper values (``state_title``, ``to_title``, ...) in the active request language
(``Accept-Language``; Chinese by default).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongdan.tickets.actions import may_create
from gongdan.workflow.schema import CORE_FIELDS, FieldDef, ProcessDef

# The core ticket attributes a step may ask for (schema.CORE_FIELDS) described like process fields.
# Chinese first, as in the process files.
_LEVELS = [
    {'value': 'high', 'label': '高', 'label_en': 'High'},
    {'value': 'medium', 'label': '中', 'label_en': 'Medium'},
    {'value': 'low', 'label': '低', 'label_en': 'Low'},
]
CORE_FIELD_INFO: dict[str, dict[str, Any]] = {
    'category': {'label': '分类', 'label_en': 'Category'},
    'urgency': {'label': '紧急度', 'label_en': 'Urgency', 'choices': _LEVELS},
    'impact': {'label': '影响范围', 'label_en': 'Impact', 'choices': _LEVELS},
    'priority': {
        'label': '优先级',
        'label_en': 'Priority',
        'choices': [
            {'value': 'p1', 'label': 'P1 紧急', 'label_en': 'P1 Critical'},
            {'value': 'p2', 'label': 'P2 高', 'label_en': 'P2 High'},
            {'value': 'p3', 'label': 'P3 中', 'label_en': 'P3 Medium'},
            {'value': 'p4', 'label': 'P4 低', 'label_en': 'P4 Low'},
        ],
    },
}


def is_english() -> bool:
    return (get_language() or '').lower().startswith('en')


def localized(obj: Any, attr: str = 'title') -> str:
    """``obj.<attr>`` in Chinese, ``obj.<attr>_en`` (falling back to ``obj.<attr>``) when the request is English."""
    if obj is None:
        return ''
    text = getattr(obj, attr, '') or ''
    if is_english():
        return getattr(obj, f'{attr}_en', '') or text
    return text


def state_title(spec: ProcessDef, state: str, *, for_customer: bool = False) -> str:
    """The title of ``state`` in the active language; customers see the state's ``customer_title`` if it has one."""
    definition = spec.states.get(state)
    if definition is None:
        return state
    if for_customer and definition.customer_title:
        return definition.customer_title
    return localized(definition)


def _field_dict(field: FieldDef, required: bool) -> dict[str, Any]:
    return {
        'key': field.key,
        'type': str(field.type),
        'label': field.label,
        'label_en': field.label_en,
        'help': field.help,
        'required': required,
        'choices': [{'value': c.value, 'label': c.label, 'label_en': c.label_en} for c in field.choices],
        'columns': [_field_dict(col, col.required) for col in field.columns],
        'min': None if field.min is None else str(field.min),
        'max': None if field.max is None else str(field.max),
        'max_length': field.max_length,
        'customer_visible': field.customer_visible,
    }


def describe_field(spec: ProcessDef, key: str, *, required: bool) -> dict[str, Any]:
    """The form description of field ``key`` of ``spec`` (a process field or a core attribute)."""
    if key in CORE_FIELDS:
        info = CORE_FIELD_INFO[key]
        choices = info.get('choices', [])
        if key == 'category':
            choices = [{'value': c.key, 'label': c.label, 'label_en': c.label_en} for c in spec.categories]
        return {
            'key': key,
            'type': 'choice' if choices else 'text',
            'label': info['label'],
            'label_en': info['label_en'],
            'help': '',
            'required': required,
            'choices': choices,
            'columns': [],
            'min': None,
            'max': None,
            'max_length': None,
            'customer_visible': True,
        }
    return _field_dict(spec.field(key), required)


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    help = serializers.CharField(allow_blank=True)
    required = serializers.BooleanField()
    choices = ChoiceSerializer(many=True)
    min = serializers.CharField(allow_null=True, help_text='Lower bound of a number, as a decimal string.')
    max = serializers.CharField(allow_null=True, help_text='Upper bound of a number, as a decimal string.')
    max_length = serializers.IntegerField(allow_null=True)
    customer_visible = serializers.BooleanField()


class FieldSerializer(ColumnSerializer):
    """A form field of a step: a process field (process file) or a core ticket attribute."""

    columns = ColumnSerializer(many=True, help_text='The columns of a "table" field (rows of scalar values).')


class CreateFormSerializer(serializers.Serializer):
    rules = serializers.ListField(child=serializers.CharField())
    fields = FieldSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(allow_blank=True)
    team = serializers.CharField(allow_null=True)


class ProcessSerializer(serializers.Serializer):
    """An active process (ticket type) as a client needs it to file a ticket."""

    key = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    description = serializers.CharField()
    prefix = serializers.CharField()
    version = serializers.IntegerField()
    rules = serializers.ListField(child=serializers.CharField())
    categories = CategorySerializer(many=True)
    create = serializers.SerializerMethodField()
    can_create = serializers.SerializerMethodField()

    def to_representation(self, process):
        spec = process.current_version.spec
        return {
            'key': process.key,
            'title': spec.title,
            'title_en': spec.title_en,
            'description': spec.description,
            'prefix': spec.prefix,
            'version': process.current_version.number,
            'rules': list(spec.rules),
            'categories': [c.model_dump() for c in spec.categories],
            'create': self.get_create(process),
            'can_create': self.get_can_create(process),
        }

    @extend_schema_field(CreateFormSerializer)
    def get_create(self, process) -> dict:
        spec = process.current_version.spec
        required = set(spec.create.required)
        return {
            'rules': list(spec.create.rules),
            'fields': [describe_field(spec, key, required=key in required) for key in spec.create.fields],
        }

    def get_can_create(self, process) -> bool:
        return may_create(process, self.context['request'].user)


class ProcessDetailSerializer(ProcessSerializer):
    """A process with its whole validated definition (the JSON form of its process file)."""

    definition = serializers.JSONField(help_text='The validated process file (states, transitions, fields, ...).')
    digest = serializers.CharField(help_text='SHA-256 of the process file this version was loaded from.')

    def to_representation(self, process):
        data = super().to_representation(process)
        data['definition'] = process.current_version.definition
        data['digest'] = process.current_version.digest
        return data
