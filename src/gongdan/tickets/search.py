"""Chinese full-text search over tickets: one interface, two backends (SQLite FTS5, PostgreSQL tsvector).

Text is segmented here, in Python, with jieba (``rjieba``) into space-separated lowercase tokens; the
databases only ever see whole tokens (no database-side parser or dictionary), so both backends give the
same answers. Latin words, numbers, IP addresses, e-mail addresses and ticket numbers are kept whole and,
when they contain ``-._:@/``, also split into their parts: ``SD-20250101-0007`` is indexed as
``sd-20250101-0007 sd 20250101 0007``.

Every ticket has two documents (``TicketSearch``): the *public* one (number, title, description, customer,
contact, customer-visible custom fields, replies, public attachment names) and the *internal* one (internal
notes, internal-only fields, internal attachment names). Customers must never find a ticket by the text of
an internal note, so ``search_tickets`` searches only the public document unless the caller passes
``include_internal=True`` (staff callers: ``include_internal=sees_internal(user)``).

A query matches a ticket when *every* query token is the start of some indexed token (AND, prefix match):
"空调" finds "机房空调故障", "SD-20250101" finds every SD ticket of that day, "192.168.1" finds 192.168.1.7.

The index is kept current inside the actions' transactions: ``index_ticket_on_event`` is registered with
``tickets.events.on_ticket_event`` in ``TicketsConfig.ready()``. ``gongdan search reindex`` rebuilds it all in
batches. A change of a customer's name is picked up on the ticket's next event or by a reindex.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import rjieba
from django.db import connections, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from gongdan.utilities.prepared import PreparedQuery, upsert_row

from .choices import EventKind
from .models import Attachment, Comment, Ticket, TicketSearch

if TYPE_CHECKING:
    from gongdan.workflow.schema import FieldDef

    from .models import TicketEvent

# Tokens longer than this are dropped: nobody types them, and PostgreSQL caps lexemes at 2 KB.
MAX_TOKEN_LENGTH = 64
# A query uses at most this many tokens (a pasted paragraph must not become a 500-term AND).
MAX_QUERY_TOKENS = 24
# Function words that carry no meaning on their own; dropped from documents and queries alike so that
# "机房的空调" still finds "机房空调故障".
STOPWORDS = frozenset('的地得了着过在是和与及或也都就而吗呢吧啊呀之其这那把被')

_CJK = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'
_LATIN_CHAR = rf'(?:(?![{_CJK}])[^\W_])'  # a letter or digit that is not a CJK ideograph
_PIECE = re.compile(rf'(?P<cjk>[{_CJK}]+)|{_LATIN_CHAR}+(?:[-._:@/]{_LATIN_CHAR}+)*')
_JOINER = re.compile(r'[-._:@/]')

# Events that change no indexed text; every other event re-indexes its ticket.
_NO_TEXT_EVENTS = frozenset(
    {
        EventKind.ASSIGNED,
        EventKind.WATCHER_ADDED,
        EventKind.WATCHER_REMOVED,
        # SLA events change no searchable text (and the sweep fires thousands a minute)
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACHED,
        EventKind.SLA_ESCALATED,
    }
)
# Custom field types whose values are searchable text (ids of users/teams/customers and numbers are not).
_TEXT_TYPES = frozenset({'text', 'longtext', 'ip_address', 'email', 'phone'})
_CHOICE_TYPES = frozenset({'choice', 'multichoice'})


# --- Segmentation ----------------------------------------------------------------------------------
def _pieces(text: str) -> Iterator[re.Match]:
    return _PIECE.finditer(unicodedata.normalize('NFKC', text or '').lower())


def _keep(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH and token not in STOPWORDS


def index_tokens(text: str) -> Iterator[str]:
    """The tokens a document is indexed under (jieba search mode for Chinese: words and their sub-words)."""
    for match in _pieces(text):
        piece = match.group()
        if match.group('cjk'):
            yield from (t for t in rjieba.cut_for_search(piece) if _keep(t))
            continue
        if _keep(piece):
            yield piece
        if _JOINER.search(piece):
            yield from (part for part in _JOINER.split(piece) if _keep(part))


def query_tokens(q: str) -> list[str]:
    """The tokens of a search query; a ticket matches when every token starts one of its indexed tokens.

    Chinese is cut into the finest words jieba's search mode finds ("大学生" -> 大学, 学生), because those
    are the words most surely present in a document's index. Latin pieces stay whole ("sd-20250101").
    """
    tokens: list[str] = []
    for match in _pieces((q or '')[:500]):
        piece = match.group()
        if match.group('cjk'):
            words = [w for w in dict.fromkeys(rjieba.cut_for_search(piece)) if _keep(w)]
            # Drop a word when a shorter word found in it is also a token: AND-ing both adds nothing.
            tokens += [w for w in words if not any(o != w and o in w for o in words)]
        elif _keep(piece):
            tokens.append(piece)
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


def segment(*texts: str, exclude: Iterable[str] = ()) -> str:
    """Space-separated unique index tokens of ``texts`` (first occurrence order), minus ``exclude``."""
    seen = dict.fromkeys(exclude)
    out = []
    for text in texts:
        for token in index_tokens(text):
            if token not in seen:
                seen[token] = None
                out.append(token)
    return ' '.join(out)


# --- Documents -------------------------------------------------------------------------------------
def _field_texts(field: FieldDef, value: Any) -> Iterator[str]:
    if value is None or value == '':
        return
    if field.type in _TEXT_TYPES:
        yield str(value)
    elif field.type in _CHOICE_TYPES:
        labels = {c.value: (c.label, c.label_en) for c in field.choices}
        for item in value if isinstance(value, list) else [value]:
            yield from labels.get(item, (str(item),))
    elif field.type == 'table' and isinstance(value, list):
        for row in value:
            if isinstance(row, dict):
                for column in field.columns:
                    yield from _field_texts(column, row.get(column.key))


def build_documents(
    ticket: Ticket, comments: Iterable[tuple[str, bool]], attachments: Iterable[tuple[str, bool]]
) -> tuple[str, str]:
    """The (public, internal) segmented documents of ``ticket`` given its (text, is_internal) comments and files."""
    public = [ticket.number, ticket.title, ticket.description]
    internal: list[str] = []
    if ticket.customer_id is not None:
        public += [ticket.customer.name, ticket.customer.code]
    if ticket.contact_id is not None:
        public.append(ticket.contact.name)
    for field in ticket.spec.fields:
        (public if field.customer_visible else internal).extend(_field_texts(field, ticket.data.get(field.key)))
    for text, is_internal in [*comments, *attachments]:
        (internal if is_internal else public).append(text)
    public_text = segment(*public)
    return public_text, segment(*internal, exclude=public_text.split())


def _save(documents: list[TicketSearch], using: str) -> None:
    TicketSearch.objects.using(using).bulk_create(
        documents, update_conflicts=True, unique_fields=['ticket'], update_fields=['public_text', 'internal_text']
    )


# What one ticket's documents are built from, as prepared statements (utilities/prepared.py): every action
# re-indexes its ticket, so these run on nearly every write.
_COMMENT_TEXTS = PreparedQuery(
    lambda ticket_id: Comment.objects.filter(ticket_id=ticket_id).values_list('body', 'is_internal'), -918273645
)
_ATTACHMENT_NAMES = PreparedQuery(
    lambda ticket_id: Attachment.objects.filter(ticket_id=ticket_id).values_list('filename', 'is_internal'),
    -918273645,
)


def index_ticket(ticket: Ticket, *, new: bool = False) -> None:
    """Rebuild the search documents of one ticket (call inside the transaction that changed it).

    ``new``: the ticket was inserted in this transaction and has no comments or attachments yet.
    """
    db = ticket._state.db or 'default'
    comments = [] if new else _COMMENT_TEXTS.rows(ticket.pk, using=db)
    files = [] if new else _ATTACHMENT_NAMES.rows(ticket.pk, using=db)
    public, internal = build_documents(ticket, comments, files)
    document = TicketSearch(ticket_id=ticket.pk, public_text=public, internal_text=internal)
    upsert_row(document, unique_fields=['ticket'], update_fields=['public_text', 'internal_text'], using=db)


def index_ticket_on_event(event: TicketEvent) -> None:
    """The ``on_ticket_event`` listener: re-index the event's ticket in the action's own transaction."""
    if event.kind not in _NO_TEXT_EVENTS:
        # A 'created' event is written right after its ticket's INSERT, before anything can comment on it.
        index_ticket(event.ticket, new=event.kind == EventKind.CREATED)


def reindex_all(
    *, batch_size: int = 1000, using: str = 'default', progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild the documents of every ticket, ``batch_size`` tickets per transaction; returns the count.

    Walks the tickets by primary key (keyset pagination), so memory stays bounded however many tickets
    there are, and each batch commits on its own (a long rebuild never holds one huge write transaction).
    """
    from gongdan.workflow.models import ProcessVersion

    versions: dict[int, ProcessVersion] = {}
    last_pk, total = 0, 0
    while True:
        with transaction.atomic(using=using):
            tickets = list(
                Ticket.objects.using(using)
                .filter(pk__gt=last_pk)
                .order_by('pk')
                .select_related('customer', 'contact')[:batch_size]
            )
            if not tickets:
                break
            ids = [t.pk for t in tickets]
            comments: dict[int, list] = defaultdict(list)
            files: dict[int, list] = defaultdict(list)
            rows = Comment.objects.using(using).filter(ticket_id__in=ids).order_by('pk')
            for ticket_id, body, is_internal in rows.values_list('ticket_id', 'body', 'is_internal').iterator():
                comments[ticket_id].append((body, is_internal))
            rows = Attachment.objects.using(using).filter(ticket_id__in=ids)
            for ticket_id, name, is_internal in rows.values_list('ticket_id', 'filename', 'is_internal'):
                files[ticket_id].append((name, is_internal))
            missing = {t.process_version_id for t in tickets} - set(versions)
            versions.update(ProcessVersion.objects.using(using).in_bulk(missing))
            documents = []
            for ticket in tickets:
                ticket.process_version = versions[ticket.process_version_id]
                public, internal = build_documents(ticket, comments[ticket.pk], files[ticket.pk])
                documents.append(TicketSearch(ticket_id=ticket.pk, public_text=public, internal_text=internal))
            _save(documents, using)
        last_pk, total = ids[-1], total + len(ids)
        if progress is not None:
            progress(total)
    if connections[using].vendor == 'sqlite':
        with connections[using].cursor() as cursor:  # merge the FTS5 b-trees written batch by batch
            cursor.execute("INSERT INTO tickets_ticketsearch_fts(tickets_ticketsearch_fts) VALUES ('optimize')")
    return total


# --- Querying --------------------------------------------------------------------------------------
def _fts5_query(tokens: list[str], include_internal: bool) -> str:
    columns = '{public_text internal_text}' if include_internal else '{public_text}'
    terms = ' AND '.join('"{}"*'.format(t.replace('"', '""')) for t in tokens)
    return f'{columns} : ({terms})'


def _tsquery(tokens: list[str]) -> str:
    return ' & '.join("'{}':*".format(t.replace('\\', '\\\\').replace("'", "''")) for t in tokens)


def search_tickets(queryset: QuerySet[Ticket], q: str, *, include_internal: bool = False) -> QuerySet[Ticket]:
    """The tickets of ``queryset`` whose text matches every token of ``q``; the queryset's order is kept.

    ``queryset`` must already be restricted to what the user may see (``visible_tickets(user)``); search
    never widens it. By default only the public document is searched (safe for customers); staff callers
    pass ``include_internal=True`` (``include_internal=sees_internal(user)``) to match internal notes too.
    A query without any searchable token (blank, punctuation, only function words) filters nothing.
    """
    tokens = query_tokens(q)
    if not tokens:
        return queryset
    vendor = connections[queryset.db].vendor
    if vendor == 'sqlite':
        sql = 'SELECT rowid FROM tickets_ticketsearch_fts WHERE tickets_ticketsearch_fts MATCH %s'
        params = [_fts5_query(tokens, include_internal)]
    elif vendor == 'postgresql':
        column = 'all_tsv' if include_internal else 'public_tsv'
        sql = f'SELECT ticket_id FROM tickets_ticketsearch WHERE {column} @@ %s::tsquery'  # noqa: S608 (fixed names)
        params = [_tsquery(tokens)]
    else:  # pragma: no cover - settings only allow the two
        raise NotImplementedError(f'full-text search is not implemented for {vendor}')
    # Safe: the SQL is one of two constant strings; the query text is a bound parameter.
    return queryset.filter(pk__in=RawSQL(sql, params))  # noqa: S611
