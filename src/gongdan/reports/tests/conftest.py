"""Fixtures of other apps' tests that the reports tests build on (imported, so pytest registers them here)."""

from gongdan.billing.tests.conftest import billing, finance  # noqa: F401
from gongdan.crc.tests.conftest import center  # noqa: F401
from gongdan.inspections.tests.conftest import desk  # noqa: F401
