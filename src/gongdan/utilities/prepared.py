"""Statements of the hottest request paths, compiled by the ORM once per database connection and then re-run.

Why: on the 2-core reference machine Django spends 0.4–0.8 ms of CPU *building and compiling* a query (cloning
the Query, resolving lookups, quoting names, choosing placeholders) and about 0.05 ms running it. Creating a
ticket through the API runs the same few statement shapes hundreds of times a second (issue #2 asks for
≥ 450/s on this machine, about 4 ms of server CPU per creation), so those shapes are compiled once and reused.
The SQL and the value conversions are still Django's own — the same compiler, the same ``get_db_prep_save``
and ``from_db_value`` converters — only the compilation is cached. Everything else keeps using the ORM.

- ``PreparedQuery``: a ``values_list()`` queryset compiled with example values that are swapped for the real
  ones at run time. Values are passed as the database sees them (a ``str`` for a text column, an ``int`` for
  an id): no lookup transforms them.
- ``insert_row(obj)``: one new model row, as ``obj.save(force_insert=True)`` would write it. A model with
  ``pre_save``/``post_save`` receivers, or a value that is an expression, is left to ``save()``, so no
  receiver is ever skipped. It never calls an overridden ``Model.save()``: use it only for models whose
  ``save()`` adds nothing to an insert (say so where you call it).
- ``upsert_row(obj, ...)``: insert or update one row, as ``bulk_create([obj], update_conflicts=True, ...)``.
- ``add_related(obj, name, target)``: ``obj.<name>.add(target)`` for a many-to-many field nobody listens to.

Compiled statements are kept on the connection object (``DatabaseWrapper``): per thread, per database, and
built again if a test swaps the database. Queries still go through Django's cursor wrapper, so query counting
(``CaptureQueriesContext``, ``assertNumQueries``) and execute wrappers see them.

On PostgreSQL (psycopg 3) these statements also run as server-side prepared statements (``prepared_cursor``):
PostgreSQL then parses and plans each shape once per connection instead of on every execution, which
roughly halves the database's CPU time per statement. The rest of Django keeps its default client-side
binding. (Behind PgBouncer in transaction mode this needs PgBouncer ≥ 1.21 with ``max_prepared_statements``.)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet, signals
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

_CACHE_ATTR = '_gongdan_prepared'

try:
    import psycopg
except ImportError:  # pragma: no cover - psycopg is a dependency, but only PostgreSQL needs it
    psycopg = None


_EXPLICIT_ONLY = 2**62  # a prepare_threshold no statement reaches: only prepare=True prepares


class _PreparingCursor:
    """A psycopg cursor binding parameters on the server, whose every ``execute`` prepares the statement."""

    def __init__(self, cursor):
        self._cursor = cursor
        self._last = ('', None)

    def execute(self, sql, params=None):
        self._last = (sql, params)
        return self._cursor.execute(sql, params, prepare=True)

    @property
    def _query(self):
        # Django's debug cursor (DEBUG, CaptureQueriesContext) reads the executed SQL from psycopg's ``_query``,
        # which a prepared execution leaves empty: show the statement with its values inlined instead.
        query = self._cursor._query
        if query is not None and query.query is not None:
            return query
        sql, params = self._last
        try:
            text = psycopg.ClientCursor(self._cursor.connection).mogrify(sql, params)
        except psycopg.Error:
            text = sql
        return SimpleNamespace(query=text.encode())

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


_QMARK_SQL: dict[str, str] = {}


class _QmarkCursor:
    """A sqlite3 cursor for the repeated statements: Django's ``%s`` SQL is converted to SQLite's ``?`` style by
    Django's own rule (SQLiteCursorWrapper.convert_query) once per statement text, then looked up."""

    def __init__(self, cursor):
        self._cursor = cursor

    def execute(self, sql, params=None):
        if params is None:
            return self._cursor.execute(sql)
        qmark = _QMARK_SQL.get(sql)
        if qmark is None:
            from django.db.backends.sqlite3.base import SQLiteCursorWrapper

            qmark = _QMARK_SQL[sql] = SQLiteCursorWrapper.convert_query(None, sql)
        return self._cursor.execute(qmark, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


def prepared_cursor(using: str = 'default'):
    """A cursor for the statements run again and again (with ``%s`` placeholders, as Django writes them): on
    PostgreSQL the statements are prepared on the server, on SQLite their placeholder conversion is cached.
    Use it as ``with prepared_cursor() as cursor:``; Django's query logging, execute wrappers and error
    translation apply as to any cursor."""
    connection = connections[using]
    if connection.vendor == 'sqlite':
        # What DatabaseWrapper.cursor() does, with a cursor that looks up each statement's placeholder
        # conversion instead of running Django's regex over the SQL text on every execution.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return connection._prepare_cursor(_QmarkCursor(connection.connection.cursor()))
    if connection.vendor != 'postgresql' or psycopg is None:
        return connection.cursor()
    # What DatabaseWrapper.cursor() does, with a server-binding cursor instead of the connection's default one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's statement preparation off (threshold None), which also refuses prepare=True.
        # Allow explicit preparation only: Django's own cursors bind on the client and never prepare anyway.
        raw.prepare_threshold = _EXPLICIT_ONLY
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(psycopg.Cursor(raw)))


def _cache(connection) -> dict:
    cache = connection.__dict__.get(_CACHE_ATTR)
    if cache is None:
        cache = connection.__dict__[_CACHE_ATTR] = {}
    return cache


class PreparedQuery:
    """A ``values_list()`` query compiled once per connection.

    ``build(*examples)`` must return the queryset; each example value must reach the compiled parameters
    unchanged and exactly once (pick unlikely values: ``'\\x00key'``, ``-918273645``). ``rows(*values)`` runs
    the statement with the examples replaced by ``values`` and returns the converted rows.
    """

    def __init__(self, build: Callable[..., QuerySet], *examples: Any):
        self._build = build
        self._examples = examples

    def _compile(self, connection):
        queryset = self._build(*self._examples)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        params = list(params)
        positions = []
        for example in self._examples:
            hits = [i for i, p in enumerate(params) if type(p) is type(example) and p == example]
            if len(hits) != 1:
                raise ValueError(f'example value {example!r} appears {len(hits)} times in the compiled parameters')
            positions.append(hits[0])
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        compiled = (sql, params, positions, compiler, converters)
        _cache(connection)[self] = compiled
        return compiled

    def rows(self, *values: Any, using: str = 'default') -> list[tuple]:
        connection = connections[using]
        compiled = _cache(connection).get(self) or self._compile(connection)
        sql, template, positions, compiler, converters = compiled
        params = list(template)
        for position, value in zip(positions, values, strict=True):
            params[position] = value
        with prepared_cursor(using) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows


def _has_save_receivers(model: type[Model]) -> bool:
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def _compile_insert(connection, obj: Model, fields, returning, on_conflict=None, unique=(), update=()):
    model = type(obj)
    query = InsertQuery(model, on_conflict=on_conflict, update_fields=update, unique_fields=unique)
    # The compiler calls pre_save() again (auto_now would move): compile a copy, insert the values already taken.
    query.insert_values(fields, [copy.copy(obj)])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = returning
    statements = compiler.as_sql()
    if len(statements) != 1 or len(statements[0][1]) != len(fields):
        return None  # not one plain placeholder per field: leave it to the ORM
    converters = compiler.get_converters([f.get_col(model._meta.db_table) for f in returning]) if returning else {}
    return statements[0][0], compiler, converters


def _params(connection, obj: Model, fields) -> list | None:
    values = [field.pre_save(obj, True) for field in fields]
    if any(hasattr(value, 'resolve_expression') for value in values):
        return None
    return [field.get_db_prep_save(value, connection=connection) for field, value in zip(fields, values, strict=True)]


def _saved(obj: Model, using: str) -> Model:
    obj._state.adding = False
    obj._state.db = using
    return obj


def insert_row(obj: Model, *, using: str = 'default') -> Model:
    """INSERT the new row ``obj`` (primary key unset) and set its primary key, like ``obj.save()``."""
    model = type(obj)
    meta = model._meta
    connection = connections[using]
    returning = list(meta.db_returning_fields) if connection.features.can_return_columns_from_insert else []
    if meta.parents or obj.pk is not None or not returning or _has_save_receivers(model):
        obj.save(force_insert=True, using=using)
        return obj
    obj._prepare_related_fields_for_save(operation_name='save')
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    params = _params(connection, obj, fields)
    if params is None:
        obj.save(force_insert=True, using=using)
        return obj
    cache = _cache(connection)
    key = ('insert', model)
    if key not in cache:
        cache[key] = _compile_insert(connection, obj, fields, returning)
    if cache[key] is None:
        obj.save(force_insert=True, using=using)
        return obj
    sql, compiler, converters = cache[key]
    with prepared_cursor(using) as cursor:
        cursor.execute(sql, params)
        rows = [connection.ops.fetch_returned_insert_columns(cursor, compiler.returning_params)]
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    for value, field in zip(rows[0], returning, strict=True):
        setattr(obj, field.attname, value)
    return _saved(obj, using)


def upsert_row(
    obj: Model, *, unique_fields: Sequence[str], update_fields: Sequence[str], using: str = 'default'
) -> Model:
    """INSERT ``obj`` or, when a row with the same ``unique_fields`` exists, UPDATE its ``update_fields``
    (``bulk_create([obj], update_conflicts=True, ...)`` in one prepared statement; like bulk_create, it sends
    no save signals)."""
    model = type(obj)
    meta = model._meta
    connection = connections[using]
    fields = [f for f in meta.local_concrete_fields if not f.generated and (obj.pk is not None or not f.primary_key)]
    params = None if meta.parents else _params(connection, obj, fields)
    compiled = None
    if params is not None:
        key = ('upsert', model, tuple(unique_fields), tuple(update_fields))
        cache = _cache(connection)
        if key not in cache:
            unique = [meta.get_field(name) for name in unique_fields]
            update = [meta.get_field(name) for name in update_fields]
            cache[key] = _compile_insert(connection, obj, fields, [], OnConflict.UPDATE, unique, update)
        compiled = cache[key]
    if compiled is None:
        model._base_manager.using(using).bulk_create(
            [obj], update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields
        )
        return obj
    with prepared_cursor(using) as cursor:
        cursor.execute(compiled[0], params)
    return _saved(obj, using)


def add_related(obj: Model, name: str, target: Model | Any, *, using: str | None = None) -> None:
    """``getattr(obj, name).add(target)`` for the many-to-many field ``name`` (``target`` an instance or a
    primary key), as one prepared ``INSERT … ON CONFLICT DO NOTHING``: the statement Django's ``add()`` runs
    itself when nothing listens to ``m2m_changed`` for the field's auto-created through model. With a receiver,
    a custom through model, or a backend that cannot ignore conflicts, it is Django's ``add()``."""
    using = using or obj._state.db or 'default'
    field = type(obj)._meta.get_field(name)
    through = field.remote_field.through
    connection = connections[using]
    if (
        not through._meta.auto_created
        or not connection.features.supports_ignore_conflicts
        or signals.m2m_changed.has_listeners(through)
        or obj.pk is None
        or (
            isinstance(target, Model)
            and (not isinstance(target, field.related_model) or target.pk is None or target._state.db != using)
        )
    ):
        getattr(obj, name).add(target)
        return
    source, target_field = field.m2m_field_name(), field.m2m_reverse_field_name()
    target_pk = target.pk if isinstance(target, Model) else target
    row = through(**{f'{source}_id': obj.pk, f'{target_field}_id': target_pk})
    fields = [through._meta.get_field(source), through._meta.get_field(target_field)]
    params = _params(connection, row, fields)
    key = ('add', through)
    cache = _cache(connection)
    if key not in cache:
        cache[key] = _compile_insert(connection, row, fields, [], OnConflict.IGNORE)
    if params is None or cache[key] is None:
        getattr(obj, name).add(target)
        return
    with prepared_cursor(using) as cursor:
        cursor.execute(cache[key][0], params)
    # as add(): a prefetched set of related objects is stale now
    getattr(obj, '_prefetched_objects_cache', {}).pop(name, None)
