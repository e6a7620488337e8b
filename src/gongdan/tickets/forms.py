"""Forms of the ticket pages, built from the process definition (the intake form and the transition forms).

A step of a process (``create`` or a transition) names the fields it asks for; ``StepFieldsMixin`` turns each
into a Django form field by its FieldDef type, plus the CORE_FIELDS (category, urgency, impact, priority). The
form only shapes the input: the actions re-validate everything (workflow/fields.py), and an ``InvalidInput``
they raise is put back on the form next to the fields it names (``apply_errors``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from gongdan.accounts.models import Team, User
from gongdan.customers.models import Contact, Customer
from gongdan.utilities.errors import InvalidInput, NotAllowed
from gongdan.utilities.templatetags.gongdan import localized
from gongdan.workflow.schema import CORE_FIELDS, FieldDef, FieldType, ProcessDef

from .actions import own_contact, prefilled_values
from .choices import Channel, Level, Priority
from .models import Category

DATETIME_LOCAL = '%Y-%m-%dT%H:%M'
# Form field names the intake and action forms use themselves; a process field with one of these keys gets a
# prefixed form field name so the two never collide.
RESERVED = {
    'title',
    'description',
    'customer',
    'contact',
    'channel',
    'comment',
    'comment_public',
    'revision',
    'attachments',
    'attachments_internal',
}


# --- widgets and fields for the process field types ----------------------------------------------------
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (attachment fields); cleans to a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('widget', MultipleFileInput(attrs={'class': 'form-control'}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages['required'], code='required')
        return files


def _column_input(col: FieldDef) -> dict[str, Any]:
    """How one table column is entered: an HTML input type, or choices for a select."""
    if col.type in (FieldType.CHOICE, FieldType.MULTICHOICE):
        return {'choices': [(c.value, localized(c, 'label')) for c in col.choices]}
    if col.type == FieldType.BOOLEAN:
        return {'choices': [('yes', _('Yes')), ('no', _('No'))]}
    types = {
        FieldType.INTEGER: 'number',
        FieldType.DECIMAL: 'number',
        FieldType.DATE: 'date',
        FieldType.DATETIME: 'datetime-local',
        FieldType.EMAIL: 'email',
        FieldType.PHONE: 'tel',
    }
    return {'type': types.get(col.type, 'text')}


class TableWidget(forms.Widget):
    """An editable table: one input per column and row, named ``<name>__<column>``; "add row" clones a row."""

    template_name = 'htmx/ticket_table_widget.html'

    def __init__(self, columns: list[FieldDef], attrs=None):
        super().__init__(attrs)
        self.columns = columns

    def value_from_datadict(self, data, files, name):
        if isinstance(data, dict) and not hasattr(data, 'getlist'):
            return data.get(name)
        cells = {c.key: data.getlist(f'{name}__{c.key}') for c in self.columns}
        count = max((len(v) for v in cells.values()), default=0)
        return [{k: (v[i] if i < len(v) else '') for k, v in cells.items()} for i in range(count)]

    def value_omitted_from_data(self, data, files, name):
        return not any(f'{name}__{c.key}' in data for c in self.columns)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [
            row for row in (value or []) if isinstance(row, dict) and any(v not in (None, '') for v in row.values())
        ]
        columns = [
            {'key': c.key, 'label': localized(c, 'label'), 'required': c.required, **_column_input(c)}
            for c in self.columns
        ]
        blank = {c.key: '' for c in self.columns}
        context['widget'].update(
            columns=columns,
            rows=[[(col, _cell(row.get(col['key']))) for col in columns] for row in [*rows, blank]],
        )
        return context


def _cell(value) -> str:
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, str) and 'T' in value and parse_datetime(value):
        return timezone.localtime(parse_datetime(value)).strftime(DATETIME_LOCAL)
    return str(value)


class TableField(forms.Field):
    """Rows of column values (e.g. SD-04's parts list); rows left completely empty are dropped."""

    def __init__(self, *, columns: list[FieldDef], **kwargs):
        kwargs.setdefault('widget', TableWidget(columns))
        super().__init__(**kwargs)
        self.columns = columns

    def to_python(self, value):
        rows = []
        for row in value or []:
            cells = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
            if any(v not in (None, '') for v in cells.values()):
                rows.append({k: (None if v == '' else v) for k, v in cells.items()})
        return rows

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages['required'], code='required')


def _local_input(value: str | None) -> str | None:
    """A stored ISO date-time (UTC) as the value of a datetime-local input in the current time zone."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(parsed, dt.datetime):
        return None
    return timezone.localtime(parsed).strftime(DATETIME_LOCAL)


def staff_users(role: str | None = None):
    query = User.objects.filter(is_active=True, customer__isnull=True)
    if role:
        query = query.filter(roles__key=role)
    return query.order_by('username').distinct()


def build_field(field: FieldDef, *, required: bool) -> forms.Field:
    """The Django form field for one process field (label in the active language, help text from the file)."""
    common = {'label': localized(field, 'label'), 'required': required, 'help_text': field.help}
    text_attrs = {'class': 'form-control'}
    match field.type:
        case FieldType.TEXT:
            return forms.CharField(max_length=field.max_length or 500, widget=forms.TextInput(text_attrs), **common)
        case FieldType.LONGTEXT:
            return forms.CharField(
                max_length=field.max_length or 20_000,
                widget=forms.Textarea({**text_attrs, 'rows': 3}),
                strip=False,
                **common,
            )
        case FieldType.INTEGER:
            return forms.IntegerField(
                min_value=field.min, max_value=field.max, widget=forms.NumberInput(text_attrs), **common
            )
        case FieldType.DECIMAL:
            return forms.DecimalField(
                min_value=field.min,
                max_value=field.max,
                decimal_places=field.decimal_places,
                widget=forms.NumberInput({**text_attrs, 'step': 'any'}),
                **common,
            )
        case FieldType.BOOLEAN:
            return forms.BooleanField(widget=forms.CheckboxInput({'class': 'form-check-input'}), **common)
        case FieldType.DATE:
            return forms.DateField(widget=forms.DateInput({**text_attrs, 'type': 'date'}), **common)
        case FieldType.DATETIME:
            # datetime-local has no zone: Django reads it in the current time zone (Asia/Shanghai by default).
            return forms.DateTimeField(
                input_formats=[DATETIME_LOCAL, '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S'],
                widget=forms.DateTimeInput({**text_attrs, 'type': 'datetime-local'}, format=DATETIME_LOCAL),
                **common,
            )
        case FieldType.CHOICE:
            choices = [('', '---------'), *((c.value, localized(c, 'label')) for c in field.choices)]
            return forms.ChoiceField(choices=choices, widget=forms.Select({'class': 'form-select'}), **common)
        case FieldType.MULTICHOICE:
            return forms.MultipleChoiceField(
                choices=[(c.value, localized(c, 'label')) for c in field.choices],
                widget=forms.CheckboxSelectMultiple({'class': 'form-check-input'}),
                **common,
            )
        case FieldType.USER:
            return forms.ModelChoiceField(
                queryset=staff_users(field.role), widget=forms.Select({'class': 'form-select'}), **common
            )
        case FieldType.TEAM:
            return forms.ModelChoiceField(
                queryset=Team.objects.filter(is_active=True),
                to_field_name='key',
                widget=forms.Select({'class': 'form-select'}),
                **common,
            )
        case FieldType.CUSTOMER:
            return forms.ModelChoiceField(
                queryset=Customer.objects.filter(is_active=True),
                widget=forms.Select({'class': 'form-select'}),
                **common,
            )
        case FieldType.IP_ADDRESS:
            return forms.GenericIPAddressField(widget=forms.TextInput(text_attrs), **common)
        case FieldType.EMAIL:
            return forms.EmailField(widget=forms.EmailInput(text_attrs), **common)
        case FieldType.PHONE:
            return forms.CharField(max_length=30, widget=forms.TextInput({**text_attrs, 'type': 'tel'}), **common)
        case FieldType.ATTACHMENT:
            return MultipleFileField(**common)
        case FieldType.TABLE:
            return TableField(columns=list(field.columns), **common)
    raise ValueError(f'no form field for type {field.type}')


def build_core_field(spec: ProcessDef, key: str, *, required: bool) -> forms.Field:
    """A form field for a core ticket attribute (SD-02: classify and prioritise)."""
    select = forms.Select({'class': 'form-select'})
    blank = [('', '---------')]
    if key == 'category':
        if spec.categories:
            choices = [(c.key, localized(c, 'label')) for c in spec.categories]
        else:
            choices = list(Category.objects.values_list('key', 'name'))
        return forms.ChoiceField(label=_('Category'), choices=blank + choices, required=required, widget=select)
    if key in ('urgency', 'impact'):
        label = _('Urgency') if key == 'urgency' else _('Impact')
        return forms.ChoiceField(label=label, choices=blank + list(Level.choices), required=required, widget=select)
    return forms.ChoiceField(
        label=_('Priority'),
        choices=blank + list(Priority.choices),
        required=required,
        widget=select,
        help_text=_('Leave empty to compute it from urgency and impact.'),
    )


class StepFieldsMixin:
    """Adds the fields a process step asks for; ``step_values()`` returns them as the actions expect.

    ``field_names`` maps each process field key to its form field name (the key itself unless reserved).
    """

    def add_step_fields(
        self,
        spec: ProcessDef,
        keys: list[str],
        required: set[str],
        *,
        current: dict[str, Any] | None = None,
        current_core: dict[str, str] | None = None,
    ) -> None:
        current, current_core = current or {}, current_core or {}
        self.spec = spec
        self.field_names: dict[str, str] = {}
        for key in keys:
            name = f'field_{key}' if key in RESERVED else key
            self.field_names[key] = name
            if key in CORE_FIELDS:
                has_value = bool(current_core.get(key))
                self.fields[name] = build_core_field(spec, key, required=key in required and not has_value)
                if has_value:
                    self.initial.setdefault(name, current_core[key])
                continue
            fdef = spec.field(key)
            stored = current.get(key)
            # A required value already on the ticket need not be entered again (workflow/fields.clean_values).
            has_value = stored not in (None, '', [], {})
            self.fields[name] = build_field(fdef, required=key in required and not has_value)
            self.fields[name].fdef = fdef
            if has_value and fdef.type != FieldType.ATTACHMENT:
                self.initial.setdefault(name, self._initial_value(fdef, stored))

    @staticmethod
    def _initial_value(fdef: FieldDef, stored):
        if fdef.type == FieldType.DATETIME:
            return _local_input(stored)
        return stored

    def step_values(self) -> dict[str, Any]:
        """The cleaned values keyed by process field key; model choices become ids/keys, uploads are left out."""
        values = {}
        for key, name in self.field_names.items():
            value = self.cleaned_data.get(name)
            fdef = getattr(self.fields[name], 'fdef', None)
            if fdef is not None and fdef.type == FieldType.ATTACHMENT:
                continue
            if isinstance(value, Team):
                value = value.key
            elif isinstance(value, User | Customer):
                value = value.pk
            values[key] = '' if value is None else value
        return values

    def uploads(self) -> dict[str, list]:
        """Files chosen for attachment fields, by process field key."""
        out = {}
        for key, name in self.field_names.items():
            fdef = getattr(self.fields[name], 'fdef', None)
            if fdef is not None and fdef.type == FieldType.ATTACHMENT and self.cleaned_data.get(name):
                out[key] = self.cleaned_data[name]
        return out

    def step_field_names(self) -> list[str]:
        return list(self.field_names.values())


def apply_errors(form: forms.Form, exc: InvalidInput, mapping: dict[str, str] | None = None) -> None:
    """Put an action's InvalidInput on ``form``: each named field's messages next to it, the rest on top."""
    mapping = mapping or {}
    if not exc.fields:
        form.add_error(None, exc.detail)
    for key, messages in exc.fields.items():
        name = mapping.get(key, key)
        if name in form.fields:
            if name in form.errors:
                continue  # the form already said what is wrong with it
            form.add_error(name, messages)
        else:
            form.add_error(None, '{}: {}'.format(key, ' '.join(messages)))


def form_action(form: forms.Form, action, *args, mapping: dict[str, str] | None = None, **kwargs):
    """Call an action for a valid form; its InvalidInput/NotAllowed become form errors. None when it refused."""
    try:
        return action(*args, **kwargs)
    except InvalidInput as exc:
        apply_errors(form, exc, mapping)
    except NotAllowed as exc:
        form.add_error(None, exc.detail)
    return None


# --- the forms ---------------------------------------------------------------------------------------
class TicketCreateForm(StepFieldsMixin, forms.Form):
    """The phone-intake form (SD-01/SD-02): who calls, about what, how urgent, plus the process's create fields.

    Customer contacts get it without customer, contact and channel: the action files for their own organisation.
    """

    customer = forms.ModelChoiceField(
        label=_('Customer'),
        queryset=Customer.objects.none(),
        required=False,
        widget=forms.Select({'class': 'form-select'}),
    )
    contact = forms.ModelChoiceField(
        label=_('Contact'),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.Select({'class': 'form-select'}),
    )
    channel = forms.ChoiceField(
        label=_('Channel'),
        choices=[c for c in Channel.choices if c[0] != Channel.API],
        initial=Channel.PHONE,
        widget=forms.Select({'class': 'form-select'}),
    )
    title = forms.CharField(label=_('Title'), max_length=200, widget=forms.TextInput({'class': 'form-control'}))
    description = forms.CharField(
        label=_('Description'), required=False, widget=forms.Textarea({'class': 'form-control', 'rows': 4})
    )
    attachments = MultipleFileField(
        label=_('Attachments'), required=False, help_text=_('Screenshots, logs, photos of the fault (several allowed).')
    )
    attachments_internal = forms.BooleanField(
        label=_('Internal files (not shown to the customer)'),
        required=False,
        widget=forms.CheckboxInput({'class': 'form-check-input'}),
    )

    def __init__(self, spec: ProcessDef, user: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.customer_id is not None:
            for name in ('customer', 'contact', 'channel', 'attachments_internal'):
                del self.fields[name]
        else:
            self.fields['customer'].queryset = Customer.objects.filter(is_active=True).order_by('code')
            customer_id = self['customer'].value() if self.is_bound else self.initial.get('customer')
            contacts = Contact.objects.none()
            if customer_id and str(customer_id).isdigit():
                contacts = Contact.objects.filter(customer_id=customer_id)
            self.fields['contact'].queryset = contacts
        create = spec.create
        keys = [k for k in ('urgency', 'impact', 'priority', 'category') if k not in create.fields]
        if 'category' in keys and not spec.categories and not Category.objects.exists():
            keys.remove('category')  # nothing to choose from
        self.add_step_fields(spec, keys + list(create.fields), set(create.required))
        if user.customer_id is not None:
            # Who is calling is known: the filer's own contact record fills the reporter fields (editable).
            for key, value in prefilled_values(spec, create.fields, own_contact(user), user.customer).items():
                self.initial.setdefault(self.field_names[key], value)

    def core_names(self) -> list[str]:
        return [n for n in ('urgency', 'impact', 'priority', 'category') if n in self.fields]

    def custom_names(self) -> list[str]:
        core = set(self.core_names())
        return [n for n in self.step_field_names() if n not in core]

    def create_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for tickets.actions.do_create_ticket."""
        values = self.step_values()
        core = {k: values.pop(k, '') for k in ('urgency', 'impact', 'priority', 'category')}
        data = self.cleaned_data
        kwargs = {
            'title': data['title'],
            'description': data.get('description', ''),
            'urgency': core['urgency'],
            'impact': core['impact'],
            'priority': core['priority'] or None,
            'category': core['category'],
            'values': {k: v for k, v in values.items() if k in self.spec.create.fields},
            'files': data.get('attachments') or [],
            'files_internal': bool(data.get('attachments_internal')),
        }
        if self.user.customer_id is None:
            kwargs.update(customer=data.get('customer'), contact=data.get('contact'), channel=data['channel'])
        return kwargs


class TransitionForm(StepFieldsMixin, forms.Form):
    """The form of one transition: its fields, a comment (required if the process says so) and the revision."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_('Comment'), required=False, widget=forms.Textarea({'class': 'form-control', 'rows': 3})
    )
    comment_public = forms.BooleanField(
        label=_('Visible to the customer'),
        required=False,
        widget=forms.CheckboxInput({'class': 'form-check-input'}),
        help_text=_('Otherwise the comment is an internal note.'),
    )

    def __init__(self, ticket, transition, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gongdan.workflow.actions import core_values

        self.transition = transition
        self.initial.setdefault('revision', ticket.revision)
        if transition.comment == 'none':
            del self.fields['comment']
            del self.fields['comment_public']
        else:
            self.fields['comment'].required = transition.comment == 'required'
            if user.customer_id is not None:
                del self.fields['comment_public']  # a customer's comment is always visible to the customer
        self.add_step_fields(
            ticket.spec,
            list(transition.fields),
            set(transition.required),
            current=ticket.data,
            current_core=core_values(ticket),
        )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_('Comment'), max_length=20_000, widget=forms.Textarea({'class': 'form-control', 'rows': 3})
    )
    is_internal = forms.BooleanField(
        label=_('Internal note'), required=False, widget=forms.CheckboxInput({'class': 'form-check-input'})
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if user.customer_id is not None:
            del self.fields['is_internal']


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_('File'), widget=forms.ClearableFileInput({'class': 'form-control'}))
    is_internal = forms.BooleanField(
        label=_('Internal (staff only)'), required=False, widget=forms.CheckboxInput({'class': 'form-check-input'})
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = settings.GONGDAN_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields['file'].help_text = _('At most {mb} MB.').format(mb=limit_mb)
        if user.customer_id is not None:
            del self.fields['is_internal']


class AssignForm(forms.Form):
    """Dispatch (SD-03): a resolver team and/or a person of it."""

    team = forms.ModelChoiceField(
        label=_('Team'),
        queryset=Team.objects.filter(is_active=True),
        required=False,
        widget=forms.Select({'class': 'form-select'}),
    )
    assignee = forms.ModelChoiceField(
        label=_('Assignee'), queryset=staff_users(), required=False, widget=forms.Select({'class': 'form-select'})
    )
    note = forms.CharField(label=_('Note'), required=False, widget=forms.TextInput({'class': 'form-control'}))


class ApprovalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[('approve', _('Approve')), ('reject', _('Reject'))])
    comment = forms.CharField(
        label=_('Comment'), required=False, widget=forms.Textarea({'class': 'form-control', 'rows': 2})
    )
