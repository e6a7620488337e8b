"""gongdan run (web server + worker, supervised) and gongdan demo."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gongdan.accounts.models import User
from gongdan.utilities.demo import DEMO_USERNAMES

ISOLATE = ('DATABASE_URL', 'GONGDAN_REDIS_URL', 'GONGDAN_TEST_DB_NAME', 'GONGDAN_HUEY_IMMEDIATE', 'GUNICORN_CMD_ARGS')


def gongdan_env(data_dir: Path) -> dict[str, str]:
    """A development environment of its own: SQLite and the SQLite-backed queue in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ISOLATE}
    env.update({'GONGDAN_ENV': 'development', 'GONGDAN_DATA_DIR': str(data_dir), 'PYTHONUNBUFFERED': '1'})
    return env


def gongdan(*args: str) -> list[str]:
    return [sys.executable, '-m', 'gongdan.cli', *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> dict[int, str]:
    """The direct children of ``pid`` and their command lines (from /proc)."""
    found = {}
    for entry in Path('/proc').iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / 'stat').read_text()
            ppid = int(stat.rsplit(')', 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / 'cmdline').read_bytes().replace(b'\0', b' ').decode()
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f'/proc/{pid}/stat').read_text()
    except OSError:
        return False
    return stat.rsplit(')', 1)[1].split()[0] != 'Z'  # a zombie has exited


def wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f'gongdan run exited early with {proc.returncode}'
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f'{url} did not answer within {timeout} s')


@contextlib.contextmanager
def running(data_dir: Path, *args: str):
    port = free_port()
    log = (data_dir / 'run.log').open('w+')
    proc = subprocess.Popen(
        gongdan('run', '--bind', f'127.0.0.1:{port}', *args),
        env=gongdan_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # so that a failing test can clean up the whole group
    )
    try:
        yield proc, port, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def output(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()


def wait_for_worker(pid: int, timeout: float = 30) -> dict[int, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = children_of(pid)
        if any('run_huey' in cmd for cmd in children.values()) and any('gunicorn' in cmd for cmd in children.values()):
            return children
        time.sleep(0.2)
    raise AssertionError(f'web server and worker did not both start: {children_of(pid)}')


@pytest.mark.slow
def test_run_setup_serves_the_login_page_and_stops_both_on_sigint(tmp_path):
    """make run: --setup migrates, loads processes and demo data; then web + worker run until Ctrl-C."""
    with running(tmp_path, '--setup') as (proc, port, log):
        status = wait_for_http(f'http://127.0.0.1:{port}/accounts/login/', proc, timeout=240)
        assert status in (200, 302)
        children = wait_for_worker(proc.pid)
        worker = next(pid for pid, cmd in children.items() if 'run_huey' in cmd)
        web = next(pid for pid, cmd in children.items() if 'gunicorn' in cmd)
        assert alive(worker) and alive(web)

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0, output(log)
        assert not alive(worker) and not alive(web)
        text = output(log)
    assert f'http://127.0.0.1:{port}/accounts/login/' in text
    assert 'Demo accounts: admin, agent' in text and 'gongdan-demo' in text
    assert 'Gongdan stopped.' in text


@pytest.mark.slow
def test_run_stops_the_web_server_and_fails_when_the_worker_dies(tmp_path):
    migrate = subprocess.run(
        gongdan('migrate', '--no-input', '-v0'), env=gongdan_env(tmp_path), capture_output=True, timeout=300
    )
    assert migrate.returncode == 0, migrate.stderr
    with running(tmp_path) as (proc, port, log):
        assert wait_for_http(f'http://127.0.0.1:{port}/accounts/login/', proc, timeout=120) in (200, 302)
        children = wait_for_worker(proc.pid)
        worker = next(pid for pid, cmd in children.items() if 'run_huey' in cmd)
        web = next(pid for pid, cmd in children.items() if 'gunicorn' in cmd)

        os.kill(worker, signal.SIGKILL)
        assert proc.wait(timeout=60) != 0
        assert not alive(web)
        assert 'worker exited' in output(log)


def test_run_rejects_zero_workers():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match='at least 1'):
        call_command('run', '--workers', '0')


def test_demo_command_sets_the_password_and_reports(db):
    out = StringIO()
    call_command('demo', '--no-tickets', '--password', 'Quick-Demo-7', stdout=out)
    assert 'demo accounts' in out.getvalue()
    hashes = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list('password', flat=True))
    assert len(hashes) == 1
    assert User.objects.get(username='agent').check_password('Quick-Demo-7')
