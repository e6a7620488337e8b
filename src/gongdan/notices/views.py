"""Pages of service notices (SD-01): the list everyone signed in sees (a customer only the notices addressed to
them), one notice, the publishing form for supervisors and administrators, and the banner (htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongdan.utilities.errors import GongdanError, NotFound

from . import queries
from .actions import do_publish_notice, do_update_notice, do_withdraw_notice
from .forms import NoticeForm


def _notice(request, pk):
    try:
        return queries.access_notice_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def notice_list(request):
    notices = queries.visible_notices(request.user).order_by('-starts_at', '-pk').select_related('created_by')[:200]
    context = {'notices': notices, 'may_publish': queries.may_publish(request.user), 'now': timezone.now()}
    return render(request, 'notices/notice_list.html', context)


@login_required
def notice(request, pk):
    item = _notice(request, pk)
    context = {'notice': item, 'may_publish': queries.may_publish(request.user), 'now': timezone.now()}
    return render(request, 'notices/notice.html', context)


def _save(request, item, form) -> bool:
    try:
        if item is None:
            item = do_publish_notice(actor=request.user, **form.cleaned_data)
        else:
            item = do_update_notice(item, actor=request.user, **form.cleaned_data)
    except GongdanError as exc:
        for field, errors in exc.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not exc.fields:
            form.add_error(None, exc.detail)
        return False
    messages.success(request, _('The notice is saved.'))
    request.saved_notice = item
    return True


@login_required
def notice_edit(request, pk=None):
    """Publish a notice (no ``pk``) or change one. Supervisors and administrators only (others 403, customers 404)."""
    if request.user.customer_id is not None:
        raise Http404
    if not queries.may_publish(request.user):
        raise PermissionDenied(_('Only supervisors and administrators publish service notices.'))
    item = _notice(request, pk) if pk is not None else None
    initial = {}
    if item is not None:
        initial = {f: getattr(item, f) for f in ('title', 'kind', 'affected_systems', 'body', 'audience')}
        initial['customers'] = list(item.customers.all())
        initial['starts_at'] = timezone.localtime(item.starts_at)
        initial['ends_at'] = timezone.localtime(item.ends_at)
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == 'POST' and form.is_valid() and _save(request, item, form):
        return redirect(request.saved_notice)
    return render(
        request, 'notices/notice_form.html', {'form': form, 'notice': item}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def notice_withdraw(request, pk):
    item = _notice(request, pk)
    try:
        do_withdraw_notice(item, actor=request.user)
    except GongdanError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _('The notice is withdrawn.'))
    return redirect(item)


@login_required
def banner(request):
    """The notices showing now for the signed-in user (htmx, from base.html)."""
    return render(request, 'htmx/notice_banner.html', {'notices': list(queries.current_notices(request.user)[:5])})
