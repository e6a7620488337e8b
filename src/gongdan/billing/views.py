"""Finance pages (IDC-12): the customers' accounts, one customer's account (contracts, ledger, notices, invoices),
recording payments and invoices, the billing run, the revenue report and the Excel exports.

Staff only: a customer contact gets 404 here, as on every staff page. Every member of staff may read accounts
(the service center checks arrears before a move-out, IDC-06); recording, running and exporting is for finance.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gongdan.customers.models import Customer
from gongdan.utilities.errors import InvalidInput, NotAllowed, NotFound

from . import actions, exports, queries
from .choices import FeeKind
from .forms import CourierForm, InvoiceForm, MonthForm, PaymentForm, apply_errors
from .models import BillingRun, Invoice


def _staff(request) -> None:
    if not queries.is_staff_user(request.user):
        raise Http404


def _finance(request) -> None:
    _staff(request)
    if not queries.is_finance(request.user):
        raise PermissionDenied(_('Only finance staff may do this.'))


def _customer(request, pk: int) -> Customer:
    _staff(request)
    try:
        return queries.access_account_customer(request.user, pk)
    except NotFound:
        raise Http404 from None


def _month(request):
    form = MonthForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data['month'], form
    today = queries.local_today()
    return today.replace(day=1), MonthForm(initial={'month': f'{today:%Y-%m}'})


@login_required
def account_list(request):
    """Customers with contracts or a ledger, their balance and arrears (``?arrears=1``: only those in arrears)."""
    _staff(request)
    customers = Customer.objects.filter(Q(contracts__isnull=False) | Q(ledger_entries__isnull=False)).distinct()
    rows = sorted(queries.accounts(customers.order_by('code')), key=lambda a: (-a.arrears, a.balance, a.customer.code))
    only_arrears = request.GET.get('arrears') == '1'
    if only_arrears:
        rows = [a for a in rows if a.in_arrears]
    context = {'rows': rows, 'only_arrears': only_arrears, 'is_finance': queries.is_finance(request.user)}
    return render(request, 'billing/account_list.html', context)


@login_required
def account(request, pk):
    """One customer's account: facts (IDC-01), balance and arrears, contracts, ledger, notices, invoices."""
    customer = _customer(request, pk)
    entries = list(customer.ledger_entries.select_related('recorded_by').order_by('id'))
    running = queries.ZERO
    for entry in entries:
        running += entry.amount
        entry.balance_after = running
    context = {
        'customer': customer,
        'account': queries.account(customer),
        'contracts': customer.contracts.prefetch_related('lines').order_by('-starts_on'),
        'entries': list(reversed(entries)),
        'notices': customer.payment_notices.defer('pdf').order_by('-month'),
        'invoices': customer.invoices.order_by('-issued_on', '-id'),
        'is_finance': queries.is_finance(request.user),
    }
    return render(request, 'billing/account.html', context)


def _form_page(request, customer, form, title: str, submit):
    """GET: the form; POST: call ``submit(cleaned_data)``, then back to the account, or the form with errors."""
    if request.method == 'POST' and form.is_valid():
        try:
            message = submit(form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        except NotAllowed as exc:
            raise PermissionDenied(exc.detail) from None
        else:
            messages.success(request, message)
            return redirect('billing:account', pk=customer.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, 'billing/form.html', {'customer': customer, 'form': form, 'title': title}, status=status)


@login_required
def payment_create(request, pk):
    """Record a payment (finance)."""
    customer = _customer(request, pk)
    _finance(request)

    def submit(data):
        entry = actions.do_record_payment(customer, actor=request.user, **data)
        return _('Payment of ¥{amount} recorded.').format(amount=f'{entry.amount:,.2f}')

    form = PaymentForm(request.POST or None)
    return _form_page(request, customer, form, _('Record a payment'), submit)


@login_required
def invoice_create(request, pk):
    """Record an invoice with its courier tracking number (finance, IDC-12)."""
    customer = _customer(request, pk)
    _finance(request)

    def submit(data):
        invoice = actions.do_record_invoice(customer, actor=request.user, **data)
        return _('Invoice {number} recorded.').format(number=invoice.number)

    form = InvoiceForm(request.POST or None, notices=customer.payment_notices.defer('pdf').order_by('-month'))
    return _form_page(request, customer, form, _('Record an invoice'), submit)


@login_required
def invoice_courier(request, pk):
    """Record the courier company and tracking number an invoice was sent with (finance, IDC-12)."""
    _staff(request)
    invoice = Invoice.objects.select_related('customer').filter(pk=pk).first()
    if invoice is None:
        raise Http404
    _finance(request)

    def submit(data):
        actions.do_set_invoice_courier(invoice, actor=request.user, **data)
        return _('Courier of invoice {number} recorded.').format(number=invoice.number)

    initial = {'courier_company': invoice.courier_company, 'tracking_number': invoice.tracking_number}
    form = CourierForm(request.POST or None, initial=initial)
    title = _('Courier of invoice {number}').format(number=invoice.number)
    return _form_page(request, invoice.customer, form, title, submit)


@login_required
def notice_pdf(request, pk):
    _staff(request)
    try:
        notice = queries.access_notice_by_id(request.user, pk)
    except NotFound:
        raise Http404 from None
    response = HttpResponse(bytes(notice.pdf), content_type='application/pdf')
    response['Content-Disposition'] = f'inline; filename="{notice.pdf_filename}"'
    return response


@login_required
def billing_run(request):
    """The months billed so far; POST runs a month (finance). Running a month again creates nothing."""
    _staff(request)
    form = MonthForm(request.POST or None, initial={'month': f'{queries.local_today():%Y-%m}'})
    if request.method == 'POST':
        _finance(request)
        if form.is_valid():
            result = actions.do_run_billing(form.cleaned_data['month'], actor=request.user)
            (messages.info if result.created_nothing else messages.success)(request, result.summary())
            return redirect('billing:run')
    context = {'form': form, 'runs': BillingRun.objects.select_related('started_by')[:24]}
    context['is_finance'] = queries.is_finance(request.user)
    return render(request, 'billing/run.html', context, status=400 if form.errors else 200)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX)
    response['Content-Disposition'] = f'attachment; filename="{filename}"'
    return response


@login_required
def receivables_export(request):
    """The month's receivables as Excel (``?month=YYYY-MM``), for finance to invoice (IDC-12)."""
    _finance(request)
    month, _form = _month(request)
    return _xlsx(exports.receivables_xlsx(month), f'receivables-{month:%Y-%m}.xlsx')


@login_required
def revenue(request):
    """The revenue report of a month from the contracts (``?month=YYYY-MM``), per customer and fee kind."""
    _finance(request)
    month, form = _month(request)
    report = queries.revenue_report(month)
    kinds = list(FeeKind)
    for row in report['rows']:
        row['cells'] = [row['by_kind'].get(k.value) for k in kinds]
    totals = [report['totals'].get(k.value) for k in kinds]
    context = {'report': report, 'kinds': kinds, 'totals': totals, 'form': form, 'month': month}
    return render(request, 'billing/revenue.html', context)


@login_required
def revenue_export(request):
    _finance(request)
    month, _form = _month(request)
    return _xlsx(exports.revenue_xlsx(month), f'revenue-{month:%Y-%m}.xlsx')
