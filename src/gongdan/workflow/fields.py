"""Cleaning of typed custom field values declared in process files.

Every value is stored JSON-serialisable in ``Ticket.data``: dates and times as ISO 8601 strings (UTC
for date-times), decimals as strings, users and customers as ids, teams by key, attachments as a list
of attachment ids. Each error names the field and the reason.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gongdan.utilities.errors import InvalidInput

from .schema import FieldDef, FieldType

PHONE = re.compile(r'^\+?[0-9][0-9\- ()]{4,28}[0-9]$')
MAX_TABLE_ROWS = 200
DEFAULT_TEXT_LENGTH = {FieldType.TEXT: 500, FieldType.LONGTEXT: 20_000}


class FieldValueError(ValueError):
    pass


def is_empty(value: Any) -> bool:
    return value is None or value == '' or value == [] or value == {}


def clean_value(field: FieldDef, raw: Any) -> Any:
    """The stored form of ``raw`` for ``field``, or FieldValueError with a translated reason."""
    if isinstance(raw, str) and field.type not in (FieldType.LONGTEXT,):
        raw = raw.strip()
    if is_empty(raw):
        return None
    cleaner = _CLEANERS[field.type]
    return cleaner(field, raw)


def clean_values(
    fields: list[FieldDef], raw: dict[str, Any], *, required: set[str], current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Clean the submitted values of ``fields``; a required field must end up non-empty.

    ``current`` holds the values already on the ticket: a required field that already has a value need
    not be sent again. Unknown keys in ``raw`` are reported as errors, not silently dropped.
    """
    current = current or {}
    known = {f.key for f in fields}
    errors: dict[str, list[str]] = {}
    for key in raw:
        if key not in known:
            errors[key] = [_('This field is not asked for here.')]
    cleaned: dict[str, Any] = {}
    for field in fields:
        if field.key in raw:
            try:
                cleaned[field.key] = clean_value(field, raw[field.key])
            except FieldValueError as exc:
                errors[field.key] = [str(exc)]
    for key in required:
        if key in errors:
            continue
        final = cleaned[key] if key in cleaned else current.get(key)
        if is_empty(final):
            errors[key] = [_('This field is required.')]
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return cleaned


# --- one cleaner per type ----------------------------------------------------------------------------
def _text(field: FieldDef, raw: Any) -> str:
    if not isinstance(raw, str | int | float):
        raise FieldValueError(_('Enter text.'))
    value = str(raw)
    limit = field.max_length or DEFAULT_TEXT_LENGTH.get(field.type, 500)
    if len(value) > limit:
        raise FieldValueError(_('At most {limit} characters (got {count}).').format(limit=limit, count=len(value)))
    return value


def _number_bounds(field: FieldDef, value: Decimal | int) -> None:
    if field.min is not None and value < field.min:
        raise FieldValueError(_('Must be at least {min}.').format(min=field.min))
    if field.max is not None and value > field.max:
        raise FieldValueError(_('Must be at most {max}.').format(max=field.max))


def _integer(field: FieldDef, raw: Any) -> int:
    if isinstance(raw, bool):
        raise FieldValueError(_('Enter a whole number.'))
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise FieldValueError(_('Enter a whole number.')) from None
    _number_bounds(field, value)
    return value


def _decimal(field: FieldDef, raw: Any) -> str:
    if isinstance(raw, bool):
        raise FieldValueError(_('Enter a number.'))
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise FieldValueError(_('Enter a number.')) from None
    if not value.is_finite():
        raise FieldValueError(_('Enter a number.'))
    _number_bounds(field, value)
    quantum = Decimal(1).scaleb(-field.decimal_places)
    return str(value.quantize(quantum))


def _boolean(field: FieldDef, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {'1', 'true', 'yes', 'on', '是'}:
        return True
    if text in {'0', 'false', 'no', 'off', '否'}:
        return False
    raise FieldValueError(_('Enter yes or no.'))


def _date(field: FieldDef, raw: Any) -> str:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw.isoformat()
    try:
        value = parse_date(str(raw))
    except ValueError:
        value = None
    if value is None:
        raise FieldValueError(_('Enter a date as YYYY-MM-DD.'))
    return value.isoformat()


def _datetime(field: FieldDef, raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        text = str(raw).strip().replace('T', ' ')
        try:
            value = parse_datetime(text)
        except ValueError:
            value = None
        if value is None:
            raise FieldValueError(_('Enter a date and time as YYYY-MM-DD HH:MM.'))
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(dt.UTC).isoformat()


def _choice(field: FieldDef, raw: Any) -> str:
    values = [c.value for c in field.choices]
    if str(raw) not in values:
        raise FieldValueError(
            _('{value} is not one of the choices ({choices}).').format(value=raw, choices=', '.join(values))
        )
    return str(raw)


def _multichoice(field: FieldDef, raw: Any) -> list[str]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    values = [c.value for c in field.choices]
    bad = [str(i) for i in items if str(i) not in values]
    if bad:
        raise FieldValueError(
            _('{value} is not one of the choices ({choices}).').format(value=', '.join(bad), choices=', '.join(values))
        )
    return sorted(set(map(str, items)), key=values.index)


def _user(field: FieldDef, raw: Any) -> int:
    from gongdan.accounts.models import User

    query = User.objects.filter(is_active=True, customer__isnull=True)
    if field.role:
        query = query.filter(roles__key=field.role)
    text = str(raw).strip()
    user = query.filter(pk=int(text)).first() if text.isdigit() else query.filter(username=text).first()
    if user is None:
        raise FieldValueError(_('No such active staff user: {value}.').format(value=raw))
    return user.pk


def _team(field: FieldDef, raw: Any) -> str:
    from gongdan.accounts.models import Team

    key = str(raw).strip()
    if not Team.objects.filter(key=key, is_active=True).exists():
        raise FieldValueError(_('No such active team: {value}.').format(value=raw))
    return key


def _customer(field: FieldDef, raw: Any) -> int:
    from gongdan.customers.models import Customer

    text = str(raw).strip()
    customer = Customer.objects.filter(pk=int(text)).first() if text.isdigit() else None
    customer = customer or Customer.objects.filter(code=text).first()
    if customer is None:
        raise FieldValueError(_('No such customer: {value}.').format(value=raw))
    return customer.pk


def _ip(field: FieldDef, raw: Any) -> str:
    try:
        return str(ipaddress.ip_address(str(raw).strip()))
    except ValueError:
        raise FieldValueError(_('{value} is not an IP address.').format(value=raw)) from None


def _email(field: FieldDef, raw: Any) -> str:
    try:
        validate_email(str(raw))
    except ValidationError:
        raise FieldValueError(_('Enter a valid e-mail address.')) from None
    return str(raw).strip()


def _phone(field: FieldDef, raw: Any) -> str:
    text = str(raw).strip()
    if not PHONE.match(text):
        raise FieldValueError(_('Enter a phone number (digits, +, -, spaces).'))
    return text


def _attachment(field: FieldDef, raw: Any) -> list[int]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    try:
        return [int(i) for i in items]
    except (TypeError, ValueError):
        raise FieldValueError(_('Attachment fields take attachment ids.')) from None


def _table(field: FieldDef, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise FieldValueError(_('Enter a list of rows.'))
    if len(raw) > MAX_TABLE_ROWS:
        raise FieldValueError(_('At most {limit} rows.').format(limit=MAX_TABLE_ROWS))
    rows = []
    for index, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            raise FieldValueError(_('Row {row} is not a set of column values.').format(row=index))
        unknown = set(row) - {c.key for c in field.columns}
        if unknown:
            raise FieldValueError(
                _('Row {row}: unknown columns {cols}.').format(row=index, cols=', '.join(sorted(unknown)))
            )
        clean_row = {}
        for col in field.columns:
            try:
                value = clean_value(col, row.get(col.key))
            except FieldValueError as exc:
                raise FieldValueError(
                    _('Row {row}, {col}: {reason}').format(row=index, col=col.label, reason=exc)
                ) from None
            if col.required and is_empty(value):
                raise FieldValueError(_('Row {row}, {col}: this column is required.').format(row=index, col=col.label))
            clean_row[col.key] = value
        if any(not is_empty(v) for v in clean_row.values()):
            rows.append(clean_row)
    return rows


_CLEANERS = {
    FieldType.TEXT: _text,
    FieldType.LONGTEXT: _text,
    FieldType.INTEGER: _integer,
    FieldType.DECIMAL: _decimal,
    FieldType.BOOLEAN: _boolean,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.CHOICE: _choice,
    FieldType.MULTICHOICE: _multichoice,
    FieldType.USER: _user,
    FieldType.TEAM: _team,
    FieldType.CUSTOMER: _customer,
    FieldType.IP_ADDRESS: _ip,
    FieldType.EMAIL: _email,
    FieldType.PHONE: _phone,
    FieldType.ATTACHMENT: _attachment,
    FieldType.TABLE: _table,
}


def clean_core_value(spec, key: str, raw: Any) -> str:
    """Clean one core attribute (category, urgency, impact, priority) for ``spec``; FieldValueError if bad."""
    from gongdan.tickets.choices import Level, Priority
    from gongdan.tickets.models import Category

    value = str(raw).strip() if raw is not None else ''
    if value == '':
        return ''
    if key in ('urgency', 'impact'):
        if value not in Level.values:
            raise FieldValueError(_('Choose high, medium or low.'))
    elif key == 'priority':
        if value not in Priority.values:
            raise FieldValueError(_('Choose a priority from P1 to P4.'))
    elif key == 'category':
        known = spec.category(value) is not None if spec.categories else Category.objects.filter(key=value).exists()
        if not known:
            raise FieldValueError(_('Unknown category for this process.'))
    return value


def clean_step_values(
    spec,
    asked: list[str],
    required: set[str],
    raw: dict[str, Any],
    *,
    current_data: dict[str, Any] | None = None,
    current_core: dict[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean what a step (intake form or transition) submits: (custom field values, core attribute values).

    Every key of ``raw`` must be one the step asks for; every required key must end up non-empty (a value
    already on the ticket counts). Raises InvalidInput naming each bad field.
    """
    from .schema import CORE_FIELDS

    raw = raw or {}
    core_asked = [k for k in asked if k in CORE_FIELDS]
    custom_asked = [k for k in asked if k not in CORE_FIELDS]
    errors: dict[str, list[str]] = {}
    core: dict[str, str] = {}
    for key in core_asked:
        if key in raw:
            try:
                core[key] = clean_core_value(spec, key, raw[key])
            except FieldValueError as exc:
                errors[key] = [str(exc)]
    for key in set(required) & set(CORE_FIELDS):
        if key not in errors and not (core.get(key) if key in core else (current_core or {}).get(key)):
            errors[key] = [_('This field is required.')]
    custom_raw = {k: v for k, v in raw.items() if k not in core_asked}
    try:
        custom = clean_values(
            [spec.field(k) for k in custom_asked],
            custom_raw,
            required=set(required) - set(CORE_FIELDS),
            current=current_data,
        )
    except InvalidInput as exc:
        errors.update(exc.fields)
        custom = {}
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return custom, core
