"""pytest fixtures shared by every app's tests."""

import pytest


@pytest.fixture
def processes(db):
    """The shipped process files, loaded into the test database."""
    from gongdan.utilities.testing import ensure_builtin_roles
    from gongdan.workflow.actions import do_sync_processes

    ensure_builtin_roles()
    do_sync_processes()


@pytest.fixture
def org(db):
    """A service center with teams, two customers and one user per common role (see utilities/testing.py)."""
    from gongdan.utilities.testing import Org

    return Org()
