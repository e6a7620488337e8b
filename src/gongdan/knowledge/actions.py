"""Writes of the knowledge base (SD-06, SVC-12). Views, the API, the effect and the demo call these only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed

from .choices import ArticleCategory, ArticleStatus
from .models import Article
from .queries import is_staff_user, may_create, may_edit, may_publish, may_unpublish

if TYPE_CHECKING:
    from gongdan.accounts.models import User
    from gongdan.tickets.models import Ticket

EDITABLE = ('title', 'body', 'category', 'is_public')
TITLE_MAX = 200
BODY_MAX = 50_000


def _clean(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    errors: dict[str, list[str]] = {k: [_('This field cannot be edited here.')] for k in unknown}
    cleaned: dict[str, Any] = {}
    for key in ('title', 'body'):
        if key in values or not partial:
            text = str(values.get(key) or '').strip()
            limit = TITLE_MAX if key == 'title' else BODY_MAX
            if not text:
                errors[key] = [_('This field is required.')]
            elif len(text) > limit:
                errors[key] = [_('At most {limit} characters.').format(limit=limit)]
            cleaned[key] = text
    if 'category' in values or not partial:
        category = values.get('category') or ArticleCategory.OTHER
        if category not in ArticleCategory.values:
            errors['category'] = [_('Choose a category from the list.')]
        cleaned['category'] = category
    if 'is_public' in values:
        cleaned['is_public'] = bool(values['is_public'])
    if errors:
        raise InvalidInput(_('Some fields are missing or invalid.'), fields=errors)
    return cleaned


@transaction.atomic
def do_create_article(*, actor: User, values: dict[str, Any], source_ticket: Ticket | None = None) -> Article:
    """A new draft article by ``actor`` (any member of staff, SD-06: knowledge is accumulated)."""
    if not may_create(actor):
        raise NotAllowed(_('You may not write knowledge articles.'))
    cleaned = _clean(values, partial=False)
    now = timezone.now()
    return Article.objects.create(
        **cleaned, status=ArticleStatus.DRAFT, source_ticket=source_ticket, author=actor, created_at=now, updated_at=now
    )


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update(of=('self',)).select_related('author').get(pk=article.pk)


@transaction.atomic
def do_update_article(article: Article, *, actor: User, values: dict[str, Any]) -> Article:
    """Change title, body, category or public flag (SD-06: knowledge is updated). Authors change their drafts,
    editors any article (queries.may_edit)."""
    article = _lock(article)
    if not may_edit(actor, article):
        raise NotAllowed(_('You may not edit this article.'))
    cleaned = _clean(values, partial=True)
    changed = [k for k, v in cleaned.items() if getattr(article, k) != v]
    if not changed:
        return article
    for key in changed:
        setattr(article, key, cleaned[key])
    article.updated_at = timezone.now()
    article.save(update_fields=[*changed, 'updated_at'])
    return article


@transaction.atomic
def do_publish_article(article: Article, *, actor: User, is_public: bool | None = None) -> Article:
    """Publish a draft (SD-06): staff then read it, and customers too when it is marked public."""
    article = _lock(article)
    if article.status == ArticleStatus.PUBLISHED:
        raise Conflict(_('The article is already published.'), code='wrong_state')
    if not may_publish(actor, article):
        raise NotAllowed(_('You may not publish this article.'))
    now = timezone.now()
    article.status, article.published_at, article.updated_at = ArticleStatus.PUBLISHED, now, now
    fields = ['status', 'published_at', 'updated_at']
    if is_public is not None:
        article.is_public = is_public
        fields.append('is_public')
    article.save(update_fields=fields)
    return article


@transaction.atomic
def do_unpublish_article(article: Article, *, actor: User) -> Article:
    """An editor takes a published article back to draft (out of date or wrong); nobody else reads it then."""
    article = _lock(article)
    if not may_unpublish(actor, article):
        raise NotAllowed(_('Only a knowledge editor may withdraw a published article.'))
    article.status, article.updated_at = ArticleStatus.DRAFT, timezone.now()
    article.save(update_fields=['status', 'updated_at'])
    return article


def _choice_label(spec, key: str, value) -> str:
    try:
        field = spec.field(key)
    except KeyError:
        return str(value)
    return next((c.label for c in field.choices if c.value == value), str(value))


def draft_body(ticket: Ticket) -> str:
    """The write-up of a solved fault (SVC-12: feed back and write up the experience): the symptom, what was tried
    remotely and why it failed, the cause, the fix, the parts used and the result, from the ticket's fields."""
    data = ticket.data
    keys = {f.key for f in ticket.spec.fields}

    def text(key: str) -> str:
        return str(data.get(key) or '').strip() if key in keys else ''

    sections = [
        (_('Symptom'), text('symptom') or ticket.description.strip()),
        (_('Steps tried remotely'), text('remote_steps')),
        (_('Why remote maintenance failed'), text('remote_failure_reason')),
        (_('Cause'), text('fault_cause')),
        (_('Fix'), '\n'.join(t for t in (text('resolution'), text('handling')) if t)),
        (_('Equipment'), text('equipment_description')),
        (_('Result'), text('repair_result')),
    ]
    parts = data.get('parts') if 'parts' in keys else None
    if parts:
        lines = [
            '- {name} {model} × {quantity} {unit}'.format(
                name=row.get('name', ''),
                model=row.get('model') or '',
                quantity=row.get('quantity', ''),
                unit=row.get('unit') or '',
            ).replace('  ', ' ')
            for row in parts
        ]
        sections.append((_('Parts replaced or added'), '\n'.join(lines)))
    if data.get('handling_mode') and 'handling_mode' in keys:
        sections.insert(4, (_('Handled by'), _choice_label(ticket.spec, 'handling_mode', data['handling_mode'])))
    body = '\n\n'.join(f'【{title}】\n{content}' for title, content in sections if content)
    return body + '\n\n' + _('Source ticket: {number}').format(number=ticket.number)


@transaction.atomic
def do_draft_article_from_ticket(ticket: Ticket, *, actor: User, at=None) -> tuple[Article, bool]:
    """SVC-12/SD-06: write the experience of a solved fault up as a knowledge article draft by ``actor``, from the
    ticket's symptom, remote steps, cause and fix. One article per ticket: a second call returns the existing
    one (created False). Records an internal note on the ticket's timeline. ``at`` backdates it (the effect of
    a backdated transition, demo data); default now. Returns (article, created)."""
    if not is_staff_user(actor):
        raise NotAllowed(_('You may not write knowledge articles.'))
    locked = lock_ticket(ticket)
    existing = Article.objects.filter(source_ticket=locked).order_by('id').first()
    if existing is not None:
        return existing, False
    if not (locked.data.get('fault_cause') or locked.data.get('resolution') or locked.data.get('handling')):
        raise InvalidInput(
            _('Record the cause or the fix on the ticket before writing it up.'),
            fields={'ticket': [_('Nothing to write up yet.')]},
        )
    with translation.override(settings.LANGUAGE_CODE):
        body = draft_body(locked)
    category = locked.category if locked.category in ArticleCategory.values else ArticleCategory.OTHER
    now = at or timezone.now()
    article = Article.objects.create(
        title=locked.title[:TITLE_MAX],
        body=body,
        category=category,
        status=ArticleStatus.DRAFT,
        source_ticket=locked,
        author=actor,
        created_at=now,
        updated_at=now,
    )
    touch(locked, now)
    events.record_event(
        locked,
        actor=actor,
        kind=EventKind.FIELDS_CHANGED,
        note=_('Knowledge article draft written from this ticket: {title}').format(title=article.title),
        is_internal=True,
        at=now,
    )
    ticket.revision, ticket.updated_at = locked.revision, locked.updated_at
    return article, True
