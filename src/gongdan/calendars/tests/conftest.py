import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions on messages read English; pages requested through the test client still pick their language
    with the locale middleware (Chinese by default)."""
    with translation.override('en'):
        yield
