"""Constants of the billing cycle (IDC-12); docs/billing.md explains each."""

from decimal import Decimal

CURRENCY = 'CNY'
CENT = Decimal('0.01')
# A payment notice is due this many days after it is issued (issued on the 1st: due on the 16th).
PAYMENT_TERM_DAYS = 15
# Money fields: up to 9,999,999,999.99 yuan.
MONEY = {'max_digits': 12, 'decimal_places': 2}
# The huey lock of the monthly run: several workers, one run.
RUN_LOCK = 'gongdan-billing-run'
