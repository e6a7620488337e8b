#!/usr/bin/env python3
"""Only actions write: views, API views, portal views, jobs, management commands and the admin must not write
domain state themselves (house style, rule 1). They call ``do_*`` functions in ``<app>/actions.py``.

A tiny, deliberately dumb check: it reads the Python tokens of

    src/gongdan/**/views*.py  src/gongdan/**/api/*.py  src/gongdan/**/management/commands/*.py
    src/gongdan/**/admin.py   src/gongdan/**/jobs*.py

and reports every call of ``.save(``, ``.delete(``, ``.update(``, ``.create(``, ``.get_or_create(`` or
``.update_or_create(`` made without positional arguments (the ORM's write methods take keyword arguments
only, so ``context.update({...})`` or ``storage.delete(name)`` are not reported), and every
``.bulk_create(`` / ``.bulk_update(``. Strings and comments never match.

A justified line is allowed with a comment on the same line:  ``# actions-only: allow <reason>``.

Usage: python scripts/check_actions_only.py [ROOT]   (ROOT defaults to src/gongdan next to this script)
Exits 1 and lists the offending lines when there are any.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from pathlib import Path

PATTERNS = ('views*.py', 'api/*.py', 'management/commands/*.py', 'admin.py', 'jobs*.py')
# Model/QuerySet/Manager writes: called with keyword arguments only.
KEYWORD_ONLY_WRITES = {'save', 'delete', 'update', 'create', 'get_or_create', 'update_or_create'}
BULK_WRITES = {'bulk_create', 'bulk_update'}
ALLOW = re.compile(r'#\s*actions-only:\s*allow\s+\S')


def files_to_check(root: Path) -> list[Path]:
    found: set[Path] = set()
    for pattern in PATTERNS:
        found.update(p for p in root.rglob(pattern) if 'tests' not in p.relative_to(root).parts)
    return sorted(found)


def offences(source: str) -> list[tuple[int, str]]:
    """(line number, method) for every write call in ``source`` not allowed by a comment on its line."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    allowed = {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT and ALLOW.search(tok.string)}
    code = [t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]
    found = []
    for i in range(1, len(code) - 2):
        prev, tok, paren = code[i - 1], code[i], code[i + 1]
        if not (tok.type == tokenize.NAME and tok.string in KEYWORD_ONLY_WRITES | BULK_WRITES):
            continue
        if not (prev.string == '.' and paren.string == '('):
            continue
        if tok.string in KEYWORD_ONLY_WRITES and not _keywords_only(code, i + 2):
            continue  # a positional argument: not an ORM write (dict.update({...}), storage.delete(name), ...)
        if tok.start[0] not in allowed:
            found.append((tok.start[0], tok.string))
    return found


def _keywords_only(code: list[tokenize.TokenInfo], first: int) -> bool:
    """Does the call whose first argument token is ``code[first]`` pass no positional argument?"""
    arg = code[first]
    if arg.string in (')', '**'):
        return True
    return arg.type == tokenize.NAME and first + 1 < len(code) and code[first + 1].string == '='


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / 'src' / 'gongdan'
    if not root.is_dir():
        print(f'check_actions_only: {root} is not a directory', file=sys.stderr)
        return 2
    problems = []
    checked = files_to_check(root)
    for path in checked:
        source = path.read_text(encoding='utf-8')
        lines = source.splitlines()
        for line, method in offences(source):
            problems.append(f'{path}:{line}: .{method}( — {lines[line - 1].strip()}')
    if problems:
        print('Only actions write (docs/architecture.md): these lines write domain state outside <app>/actions.py.')
        print('Call a do_* action instead, or justify the line with "# actions-only: allow <reason>".\n')
        print('\n'.join(problems))
        return 1
    print(f'actions-only: {len(checked)} files checked, no writes outside actions.')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
