"""Writes of the repair work order (SD-04, SD-05, SVC-12): issue the PDF, record the customer's signature.

The work order belongs to a ticket whose process declares the fields ``work_order`` (the PDF), ``signed_form``
(the signature or the scan) and ``customer_signer`` — processes/sd_event.yaml. Both actions store their file
through ``tickets.actions.do_add_attachment`` (outside the web root, served after the access check) and keep
the attachment ids in Ticket.data, so that the transition guards and the ticket page see them.
"""

from __future__ import annotations

import contextlib
import io
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.tickets import events
from gongdan.tickets.actions import can_dispatch, do_add_attachment, lock_ticket, touch
from gongdan.tickets.choices import EventKind
from gongdan.tickets.models import Attachment, Ticket
from gongdan.utilities.errors import Conflict, InvalidInput, NotAllowed
from gongdan.workflow import engine

if TYPE_CHECKING:
    from gongdan.accounts.models import User

WORK_ORDER_FIELDS = ('work_order', 'signed_form', 'customer_signer')
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_SIDE = 4000
SIGNER_MAX_LENGTH = 50
# Rendering a work order costs ~0.4 s (font subsetting). Bulk loads of past repairs (the demo's history, imports)
# switch it off for the effect with without_work_order_pdfs(): those paper work orders were printed long ago.
_RENDER = ContextVar('gongdan_work_order_pdfs', default=True)


@contextlib.contextmanager
def without_work_order_pdfs():
    """Within this block the ``issue_work_order`` effect makes no PDF (bulk loads of past repairs only)."""
    token = _RENDER.set(False)
    try:
        yield
    finally:
        _RENDER.reset(token)


def work_order_pdfs_enabled() -> bool:
    return _RENDER.get()


def has_work_order(ticket: Ticket) -> bool:
    """Whether the ticket's process has a work order (the fields this app fills)."""
    keys = {f.key for f in ticket.spec.fields}
    return all(k in keys for k in WORK_ORDER_FIELDS)


def may_sign(user: User, ticket: Ticket) -> bool:
    """The engineer working the ticket (who holds the tablet) or a dispatcher records the customer's signature."""
    if user is None or not user.is_authenticated or user.customer_id is not None:
        return False
    return engine.has_relation(ticket, user, 'assignee') or can_dispatch(user, ticket) or user.has_role('administrator')


def _field_attachments(ticket: Ticket, key: str) -> list[Attachment]:
    ids = ticket.data.get(key) or []
    return list(ticket.attachments.filter(pk__in=ids, field=key).order_by('created_at', 'id'))


def latest_signature(ticket: Ticket) -> Attachment | None:
    """The newest signature drawn on the pad (a PNG in ``signed_form``); None when only a scan or nothing."""
    pngs = [a for a in _field_attachments(ticket, 'signed_form') if a.content_type == 'image/png']
    return pngs[-1] if pngs else None


def current_work_order(ticket: Ticket) -> Attachment | None:
    found = _field_attachments(ticket, 'work_order')
    return found[-1] if found else None


def _engineer_name(ticket: Ticket) -> str:
    from gongdan.accounts.models import User

    user = ticket.assignee
    engineer_id = ticket.data.get('engineer')
    if engineer_id:
        user = User.objects.filter(pk=engineer_id).first() or user
    return (user.get_full_name() or user.username) if user else ''


def _keep_current(ticket: Ticket, locked: Ticket) -> None:
    # The caller (do_transition, a view) returns its own instance: keep it current.
    ticket.data, ticket.revision, ticket.updated_at = locked.data, locked.revision, locked.updated_at


@transaction.atomic
def do_issue_work_order(ticket: Ticket, *, actor: User | None, at=None) -> Attachment:
    """Render the work order PDF (SD-04 form, customer copy and service copy) and attach it to ``ticket``.

    SD-05: the electronic work order is generated when onsite work is needed (effect ``issue_work_order`` of
    go_onsite) and made again when the form is filled in and when it is signed, so the attached file shows the
    form as filled and signed; earlier versions stay as attachments. Sets ``data.work_order`` to the new
    attachment id and writes a FIELDS_CHANGED event (the upload itself writes ATTACHMENT_ADDED).
    """
    from .pdf import render_work_order_pdf

    locked = lock_ticket(ticket)
    if not has_work_order(locked):
        raise InvalidInput(_('This kind of ticket has no repair work order.'))
    signature = latest_signature(locked)
    png = signature.file.open('rb').read() if signature else None
    if signature:
        signature.file.close()
    content = render_work_order_pdf(locked, engineer_name=_engineer_name(locked), signature_png=png)
    name = _('Work order {number}.pdf').format(number=locked.number)
    now = at or timezone.now()
    upload = ContentFile(content, name=name)
    attachment = do_add_attachment(locked, actor=actor, upload=upload, field='work_order', at=now)
    locked = lock_ticket(locked)  # do_add_attachment bumped the revision
    before = locked.data.get('work_order')
    locked.data = {**locked.data, 'work_order': [attachment.pk]}
    touch(locked, now, 'data')
    events.record_event(
        locked, actor=actor, kind=EventKind.FIELDS_CHANGED, changes={'work_order': [before, [attachment.pk]]}, at=now
    )
    _keep_current(ticket, locked)
    return attachment


def check_signature_image(image: bytes) -> None:
    """InvalidInput unless ``image`` is a PNG of sensible size with something drawn on it (not a blank pad)."""
    if not image or not image.startswith(PNG_MAGIC):
        raise InvalidInput(_('The signature is not a PNG image.'), fields={'image': [_('Draw the signature again.')]})
    if len(image) > SIGNATURE_MAX_BYTES:
        raise InvalidInput(_('The signature image is too large.'), fields={'image': [_('At most 2 MB.')]})
    from PIL import Image, UnidentifiedImageError  # Pillow comes with fpdf2; loaded only when someone signs

    try:
        with Image.open(io.BytesIO(image)) as img:
            if max(img.size) > SIGNATURE_MAX_SIDE:
                raise InvalidInput(_('The signature image is too large.'), fields={'image': [_('At most 2 MB.')]})
            rgba = img.convert('RGBA')
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidInput(
            _('The signature is not a PNG image.'), fields={'image': [_('Draw the signature again.')]}
        ) from None
    paper = Image.new('RGBA', rgba.size, 'white')
    paper.alpha_composite(rgba)
    ink = paper.convert('L').point(lambda level: 255 if level < 160 else 0)
    if ink.getbbox() is None:
        raise InvalidInput(_('The signature pad is empty.'), fields={'image': [_('The customer has to sign first.')]})


@transaction.atomic
def do_sign_work_order(ticket: Ticket, *, actor: User, image: bytes, signer: str, at=None) -> Attachment:
    """Record the customer's signature drawn on the engineer's tablet or phone (SD-04: "signatures of the
    reporting unit"; SD-05: the work order is signed by the customer onsite).

    Only while the ticket is onsite with a work order issued, by the assignee or a dispatcher. Stores the PNG as
    an attachment of the ``signed_form`` field (which the guard ``work_order_signed`` checks before completion),
    records who signed in ``customer_signer``, writes a FIELDS_CHANGED event, and issues the work order again
    with the signature printed in the reporting unit's box.
    """
    locked = lock_ticket(ticket)
    if not has_work_order(locked):
        raise InvalidInput(_('This kind of ticket has no repair work order.'))
    if not may_sign(actor, locked):
        raise NotAllowed(_("Only the engineer working on the ticket may record the customer's signature."))
    if locked.state != 'onsite' or not locked.data.get('work_order'):
        raise Conflict(_('The work order can be signed only during the onsite repair.'), code='wrong_state')
    signer = (signer or '').strip()
    if not signer:
        raise InvalidInput(_('Enter who signs.'), fields={'signer': [_('This field is required.')]})
    if len(signer) > SIGNER_MAX_LENGTH:
        raise InvalidInput(_('Enter who signs.'), fields={'signer': [_('At most 50 characters.')]})
    check_signature_image(image)
    name = _('Signature {number}.png').format(number=locked.number)
    now = at or timezone.now()
    upload = ContentFile(image, name=name)
    attachment = do_add_attachment(locked, actor=actor, upload=upload, field='signed_form', at=now)
    locked = lock_ticket(locked)
    before = {k: locked.data.get(k) for k in ('signed_form', 'customer_signer')}
    after = {'signed_form': [*(locked.data.get('signed_form') or []), attachment.pk], 'customer_signer': signer}
    locked.data = {**locked.data, **after}
    touch(locked, now, 'data')
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    events.record_event(locked, actor=actor, kind=EventKind.FIELDS_CHANGED, changes=changes, at=now)
    _keep_current(ticket, locked)
    do_issue_work_order(ticket, actor=actor, at=now)
    return attachment
