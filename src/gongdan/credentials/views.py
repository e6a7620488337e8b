"""Staff pages of credential management (SVC-01 … SVC-06): the system register, a system's page (its grants, its
rotations, filing and showing its password), the grants ledger (filterable, Excel) and the month-end review.
Customers get 404; staff without a security role read the register and their own grants."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongdan.utilities.errors import GongdanError

from . import actions, crypto, exports, queries
from .choices import GrantStatus, StaffKind
from .forms import CloseGrantForm, ReauthForm, SecretForm, SystemForm
from .models import RotationRound, System

REAUTH_SESSION_KEY = 'credentials_reauth_at'
MAX_ROWS = 2000


def _staff(request) -> None:
    queries.check_staff(request.user)


def _security(request) -> None:
    _staff(request)
    if not queries.is_security_admin(request.user):
        raise PermissionDenied


def _form_errors(form, exc: GongdanError) -> None:
    for name, reasons in exc.fields.items():
        for reason in reasons:
            form.add_error(name if name in form.fields else None, reason)
    if not exc.fields:
        form.add_error(None, exc.detail)


@login_required
def system_list(request):
    """SVC-01: which systems are managed, how they are reached, who owns and uses them."""
    _staff(request)
    systems = queries.visible_systems(request.user).prefetch_related('user_teams').order_by('key')
    return render(
        request,
        'credentials/system_list.html',
        {'systems': systems, 'is_security_admin': queries.is_security_admin(request.user)},
    )


def _save_system(request, system: System | None):
    _security(request)
    initial = {}
    if system is not None:
        initial = {
            'key': system.key, 'name': system.name, 'access_type': system.access_type, 'address': system.address,
            'owner_team': system.owner_team, 'user_teams': list(system.user_teams.all()),
            'is_active': system.is_active, 'notes': system.notes,
        }  # fmt: skip
    form = SystemForm(request.POST or None, initial=initial)
    status = 200
    if request.method == 'POST':
        if form.is_valid():
            try:
                saved = actions.do_save_system(actor=request.user, system=system, **form.cleaned_data)
            except GongdanError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _('System {name} saved.').format(name=saved.name))
                return redirect('credentials:system', key=saved.key)
        status = 400
    return render(request, 'credentials/system_form.html', {'form': form, 'system': system}, status=status)


@login_required
def system_create(request):
    return _save_system(request, None)


@login_required
def system_edit(request, key: str):
    return _save_system(request, queries.access_system_by_key(request.user, key))


def _system_context(request, system: System, **extra) -> dict:
    user = request.user
    open_rotation = (
        RotationRound.objects.filter(system=system, ticket__state_kind__in=['new', 'open', 'pending'])
        .select_related('ticket')
        .first()
    )
    return {
        'system': system,
        'grants': queries.visible_grants(user).filter(system=system)[:200],
        'rotations': system.rotations.select_related('ticket').order_by('-quarter_start')[:12],
        'secret': queries.current_secret(system) if queries.is_security_admin(user) else None,
        'open_rotation': open_rotation,
        'is_security_admin': queries.is_security_admin(user),
        'storing_on': crypto.is_configured(),
        'secret_form': SecretForm(),
        'reauth_form': ReauthForm(),
        'today': timezone.localdate(),
        **extra,
    }


@login_required
def system_detail(request, key: str):
    _staff(request)
    system = queries.access_system_by_key(request.user, key)
    return render(request, 'credentials/system_detail.html', _system_context(request, system))


@login_required
@require_POST
def system_file_password(request, key: str):
    """SVC-05: file the new password of the system's open rotation (stored encrypted)."""
    _security(request)
    system = queries.access_system_by_key(request.user, key)
    form = SecretForm(request.POST)
    rotation = _system_context(request, system)['open_rotation']
    if form.is_valid():
        if rotation is None:
            form.add_error('password', _('This system has no open rotation: file the password on its rotation.'))
        else:
            try:
                actions.do_file_secret(rotation.ticket, actor=request.user, password=form.cleaned_data['password'])
            except GongdanError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _('The new password of {system} is filed, encrypted.').format(system=system))
                return redirect('credentials:system', key=system.key)
    context = _system_context(request, system, secret_form=form)
    return render(request, 'credentials/system_detail.html', context, status=400)


@never_cache
@login_required
@require_POST
def system_reveal_password(request, key: str):
    """Show the filed password after the viewer re-enters their own password (fresh for five minutes); each
    showing is in the timeline of the rotation that filed it."""
    _security(request)
    system = queries.access_system_by_key(request.user, key)
    secret = queries.current_secret(system)
    form = ReauthForm(request.POST)
    reauth_at = request.session.get(REAUTH_SESSION_KEY)
    if not actions.reauth_is_fresh(reauth_at):
        if form.is_valid() and actions.check_reauthentication(request.user, form.cleaned_data['password']):
            reauth_at = timezone.now().timestamp()
            request.session[REAUTH_SESSION_KEY] = reauth_at
        else:
            form.add_error('password', _('That is not your password.'))
            context = _system_context(request, system, reauth_form=form)
            return render(request, 'credentials/system_detail.html', context, status=400)
    if secret is None:
        messages.error(request, _('No password of {system} is filed here.').format(system=system))
        return redirect('credentials:system', key=system.key)
    try:
        plaintext = actions.do_reveal_secret(secret, actor=request.user, reauth_at=reauth_at)
    except GongdanError as exc:
        messages.error(request, exc.detail)
        return redirect('credentials:system', key=system.key)
    response = render(request, 'credentials/system_detail.html', _system_context(request, system, revealed=plaintext))
    response['Cache-Control'] = 'no-store'
    return response


def _date(value: str):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def grant_ledger(request):
    """SVC-04: every grant recorded and filed, filterable; ``?format=xlsx`` for Excel."""
    _staff(request)
    get = request.GET
    emergency = {'1': True, '0': False}.get(get.get('emergency', ''))
    flt = queries.GrantFilter(
        system=int(get['system']) if get.get('system', '').isdigit() else None,
        status=get.get('status', ''),
        staff_kind=get.get('staff_kind', ''),
        emergency=emergency,
        since=_date(get.get('since', '')),
        until=_date(get.get('until', '')),
        q=get.get('q', '').strip(),
    )
    grants = list(queries.filtered_grants(request.user, flt)[:MAX_ROWS])
    if get.get('format') == 'xlsx':
        response = HttpResponse(exports.grants_xlsx(grants), content_type=exports.XLSX)
        response['Content-Disposition'] = f'attachment; filename="grants-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    context = {
        'grants': grants,
        'flt': flt,
        'systems': queries.visible_systems(request.user).order_by('key'),
        'statuses': GrantStatus.choices,
        'staff_kinds': StaffKind.choices,
        'query': get.urlencode(),
        'today': timezone.localdate(),
    }
    return render(request, 'credentials/grant_ledger.html', context)


@login_required
@require_POST
def grant_close(request, pk: int):
    """SVC-06: close a grant (from the review or the ledger) with the reason; its request's timeline says so."""
    _security(request)
    grant = queries.access_grant_by_id(request.user, pk)
    form = CloseGrantForm(request.POST)
    if form.is_valid():
        try:
            actions.do_close_grant(grant, actor=request.user, reason=form.cleaned_data['close_reason'])
        except GongdanError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _('The access of {who} to {system} is closed.').format(
                who=grant.grantee_name, system=grant.system
            ))  # fmt: skip
    else:
        messages.error(request, _('Say why the access is closed.'))
    back = request.POST.get('next', '')
    # only back to a page of this app: never an address given by the form to somewhere else
    return redirect(back if back.startswith('/credentials/') and '//' not in back else 'credentials:review')


def _month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, '%Y-%m').date()
    except (TypeError, ValueError):
        return timezone.localdate().replace(day=1)


@login_required
def review(request):
    """SVC-06: the month-end review — expired grants to close, emergency paperwork missing, the applications."""
    _security(request)
    month = _month(request.GET.get('month') or request.POST.get('month'))
    if request.method == 'POST':
        actions.do_complete_review(month, actor=request.user, note=request.POST.get('note', ''))
        messages.success(request, _('The review of {month} is recorded.').format(month=f'{month:%Y-%m}'))
        return redirect(f'{request.path}?month={month:%Y-%m}')
    context = queries.month_end_review(request.user, month)
    context.update({'close_form': CloseGrantForm(), 'month_value': f'{month:%Y-%m}'})
    return render(request, 'credentials/review.html', context)
