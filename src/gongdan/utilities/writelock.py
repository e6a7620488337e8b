"""Queue SQLite writers on an operating-system file lock instead of SQLite's busy handler.

SQLite lets one writer at a time hold the database; the others wait in its busy handler, which *sleeps* 1, 2, 5,
10, 15, 20, 25 … ms between attempts. A write transaction that takes 2 ms therefore makes the next writer sleep
several milliseconds longer than needed, and with two web workers on two cores most of the second core goes
unused (measured with bench/run.py: creation at concurrency 8 did not scale from one worker to two). Waiting on
``flock`` wakes the next writer as soon as the lock is released.

``sqlite_writer_turn()`` wraps one short write transaction (ticket creation). It does nothing on PostgreSQL
(whose row locks wake waiters themselves), for an in-memory database, inside an already open transaction (the
outer one holds SQLite's lock already: waiting for the file lock there could only add a wait), and where
``fcntl`` does not exist. Writers that do not take the file lock still queue in SQLite's busy handler, as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

_local = threading.local()  # one descriptor per thread: flock excludes open file descriptions, not processes


def _descriptor(path: str) -> int:
    fds = getattr(_local, 'fds', None)
    if fds is None:
        fds = _local.fds = {}
    fd = fds.get(path)
    if fd is None:
        fd = fds[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return fd


@contextmanager
def sqlite_writer_turn(using: str = 'default') -> Iterator[None]:
    """Hold the database's writer file lock (``<database file>.writer-lock``) for the enclosed block."""
    connection = connections[using]
    if fcntl is None or connection.vendor != 'sqlite' or connection.in_atomic_block or connection.is_in_memory_db():
        yield
        return
    fd = _descriptor(f'{connection.settings_dict["NAME"]}.writer-lock')
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
