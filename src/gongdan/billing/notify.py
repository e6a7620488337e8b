"""The notification event of the billing cycle: the monthly payment notice e-mailed with its PDF (IDC-12).

Registered with the notifications app's registry when the billing app is ready; its templates live in
``billing/templates/notifications/billing.payment_notice/``.
"""

from django.utils.translation import gettext_lazy as _

from gongdan.notifications.events import EventType, register

PAYMENT_NOTICE = register(
    EventType(
        'billing.payment_notice',
        _('Monthly payment notice'),
        rules=('IDC-12',),
        context=('customer', 'number', 'month', 'amount_due', 'due_on', 'previous_balance', 'charges'),
    )
)
