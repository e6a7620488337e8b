"""The bell, the notification list, the preferences page and the administrators' outbox page.

Thin views: reads through queries.py (a person's own notifications only; the outbox for administrators),
writes through actions.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from gongdan.utilities.errors import GongdanError, NotFound
from gongdan.utilities.paging import CappedPaginator

from . import actions, queries
from .forms import DeliveryFilterForm, PreferencesForm

PAGE_SIZE = 25


def bell(request):
    """The navbar bell with the unread count; htmx polls it every 30 s.

    An expired session answers an htmx poll with 204 (nothing swapped) rather than a login page in the navbar.
    """
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponse(status=204)
        return redirect_to_login(request.get_full_path())
    count = queries.unread_count(request.user)
    return render(request, 'htmx/notification_bell.html', {'unread': count, 'capped': count >= queries.UNREAD_CAP})


@login_required
def notification_list(request):
    """The user's notifications, newest first (``?unread=1``: unread only), 25 a page."""
    query = queries.visible_notifications(request.user)
    unread_only = request.GET.get('unread') == '1'
    if unread_only:
        query = query.filter(read_at__isnull=True)
    page = CappedPaginator(query, PAGE_SIZE).get_page(request.GET.get('page'))
    return render(request, 'notifications/list.html', {'page': page, 'unread_only': unread_only})


def _next_url(request, fallback: str) -> str:
    target = request.POST.get('next', '')
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read; ``open=1`` then goes to what it is about (the ticket)."""
    try:
        notification = queries.access_notification_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    actions.do_mark_read(notification, actor=request.user)
    if request.POST.get('open') == '1' and notification.url:
        return redirect(notification.url)
    return redirect(_next_url(request, 'notifications:list'))


@login_required
@require_POST
def notification_read_all(request):
    count = actions.do_mark_all_read(actor=request.user)
    text = ngettext('{count} notification marked as read.', '{count} notifications marked as read.', count)
    messages.success(request, text.format(count=count))
    return redirect(_next_url(request, 'notifications:list'))


@login_required
def preferences(request):
    """Which channel for which event type (in-app, e-mail), and the language of notifications."""
    user = request.user
    staff = user.customer_id is None
    initial = {'language': actions.language_for(user)}
    if request.method == 'POST':
        form = PreferencesForm(request.POST, channels=actions.channels_for(user), staff=staff, initial=initial)
        if form.is_valid():
            try:
                actions.do_set_preferences(
                    user, actor=user, channels=form.channel_choices(), language=form.cleaned_data['language']
                )
            except GongdanError as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _('Notification settings saved.'))
                return redirect('notifications:preferences')
    else:
        form = PreferencesForm(channels=actions.channels_for(user), staff=staff, initial=initial)
    context = {'form': form, 'rows': form.bound_rows(), 'has_email': bool(user.email)}
    return render(request, 'notifications/preferences.html', context, status=400 if form.errors else 200)


@login_required
def delivery_list(request):
    """The outbox for administrators: filter by status, channel and ticket; attempts and the last error."""
    if not queries.may_see_deliveries(request.user):
        raise PermissionDenied(_('Only administrators may see the deliveries.'))
    form = DeliveryFilterForm(request.GET)
    query = queries.visible_deliveries(request.user).select_related('ticket').defer('payload')
    if form.is_valid():
        if form.cleaned_data['status']:
            query = query.filter(status=form.cleaned_data['status'])
        if form.cleaned_data['channel']:
            query = query.filter(channel=form.cleaned_data['channel'])
        if form.cleaned_data['ticket']:
            query = query.filter(ticket__number=form.cleaned_data['ticket'].strip().upper())
    query = query.defer('ticket__data', 'ticket__description')
    page = CappedPaginator(query, PAGE_SIZE).get_page(request.GET.get('page'))
    return render(request, 'notifications/deliveries.html', {'page': page, 'form': form})


@login_required
@require_POST
def delivery_retry(request, pk):
    """Send a dead (or waiting) delivery again now, with a fresh set of attempts."""
    if not queries.may_see_deliveries(request.user):
        raise PermissionDenied(_('Only administrators may retry deliveries.'))
    try:
        delivery = queries.access_delivery_by_id(request.user, pk)
        actions.do_retry_delivery(delivery, actor=request.user)
    except NotFound:
        raise Http404 from None
    except GongdanError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _('The delivery will be sent again.'))
    return redirect(_next_url(request, 'notifications:deliveries'))
