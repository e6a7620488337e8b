"""scripts/check_actions_only.py: views, API, commands, jobs and the admin never write domain state themselves."""

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[4] / 'scripts' / 'check_actions_only.py'

OFFENDING = """\
from gongdan.tickets.models import Ticket


def close(request, pk):
    ticket = Ticket.objects.get(pk=pk)
    ticket.state = 'closed'
    ticket.save(update_fields=['state'])
    Ticket.objects.filter(pk=pk).update(state='closed')
    Ticket.objects.create(title='x')
    ticket.delete()
    Ticket.objects.bulk_create([ticket])
"""

HARMLESS = """\
from gongdan.tickets.actions import do_transition


def close(request, pk, storage, teams):
    context = {}
    context.update({'a': 1})          # a dict, not a queryset
    teams.update({1: 'x'})            # positional argument: not an ORM write
    storage.delete('tmp/name')        # file storage, positional argument
    text = "ticket.save() in a string"
    # ticket.save() in a comment
    do_transition(ticket, 'close', actor=request.user)
    session.save()  # actions-only: allow the session is not domain state
"""


def run_check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], capture_output=True, text=True, timeout=60, check=False
    )


def write(root: Path, relative: str, source: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding='utf-8')
    return path


def test_writes_in_views_are_reported_with_file_and_line(tmp_path):
    path = write(tmp_path, 'tickets/views_close.py', OFFENDING)
    result = run_check(tmp_path)
    assert result.returncode == 1
    reported = [line for line in result.stdout.splitlines() if line.startswith(str(path))]
    assert [line.split(':')[1] for line in reported] == ['7', '8', '9', '10', '11']
    assert '.save(' in reported[0] and "ticket.save(update_fields=['state'])" in reported[0]
    assert '.bulk_create(' in reported[-1]


def test_every_checked_location_is_covered(tmp_path):
    locations = [
        'tickets/views.py',
        'portal/views_portal.py',
        'tickets/api/views.py',
        'tickets/management/commands/close_all.py',
        'tickets/admin.py',
        'sla/jobs.py',
    ]
    for relative in locations:
        write(tmp_path, relative, 'def f(ticket):\n    ticket.save()\n')
    write(tmp_path, 'tickets/actions.py', 'def do_f(ticket):\n    ticket.save()\n')  # actions may write
    write(tmp_path, 'tickets/tests/test_views.py', 'def test_f(ticket):\n    ticket.save()\n')  # tests may too
    result = run_check(tmp_path)
    assert result.returncode == 1
    reported = {line.split(':')[0] for line in result.stdout.splitlines() if '.save(' in line}
    assert reported == {str(tmp_path / relative) for relative in locations}


def test_harmless_calls_and_allowed_lines_pass(tmp_path):
    write(tmp_path, 'tickets/views.py', HARMLESS)
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stdout
    assert '1 files checked' in result.stdout


def test_allow_comment_needs_a_reason(tmp_path):
    write(tmp_path, 'tickets/views.py', 'def f(ticket):\n    ticket.save()  # actions-only: allow\n')
    assert run_check(tmp_path).returncode == 1
