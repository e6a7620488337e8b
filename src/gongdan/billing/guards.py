"""The arrears gate process files may name: ``customer_not_in_arrears`` (IDC-06, IDC-07)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gongdan.workflow.registry import TransitionContext, guard

from .queries import account, month_label


def arrears_reason(customer) -> str | None:
    """Why ``customer`` may not move servers out, in words an agent can read to the customer; None when they
    are not in arrears. E.g. "客户 云帆网络 欠费 ¥12,800.00（2026年11月缴费通知单逾期 15 天），不得将服务器迁出机房"."""
    found = account(customer)
    if not found.in_arrears:
        return None
    return _(
        'Customer {customer} is in arrears of ¥{amount} (the {month} payment notice is {days} days overdue): '
        'servers may not be moved out of the machine room.'
    ).format(
        customer=customer.short_name or customer.name,
        amount=f'{found.arrears:,.2f}',
        month=month_label(found.overdue_notice.month),
        days=found.days_overdue,
    )


@guard('customer_not_in_arrears')
def customer_not_in_arrears(ctx: TransitionContext) -> str | None:
    """IDC-06: a customer in arrears (欠费) may not move servers out of the machine room; IDC-07: unracking a
    customer's last server needs the same check. Refuses when the ticket names no customer (the check cannot be
    made) or the customer has arrears (billing.queries: an overdue payment notice not paid since)."""
    if ctx.ticket.customer_id is None:
        return _('Choose the customer first.')
    return arrears_reason(ctx.ticket.customer)
