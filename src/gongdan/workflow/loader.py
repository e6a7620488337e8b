"""Load and validate process files.

Every error names the file, the key path inside it and the problem, e.g.
``processes/idc_visit.yaml: transitions[2].to: unknown state 'aproved' (known: ...)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from pydantic import ValidationError

from . import registry
from .schema import ProcessDef


@dataclass(frozen=True)
class ProcessFileError:
    path: str
    location: str
    message: str

    def __str__(self) -> str:
        return f'{self.path}: {self.location}: {self.message}' if self.location else f'{self.path}: {self.message}'


class ProcessLoadError(Exception):
    def __init__(self, errors: list[ProcessFileError]):
        self.errors = errors
        super().__init__('\n'.join(str(e) for e in errors))


@dataclass(frozen=True)
class LoadedProcess:
    definition: ProcessDef
    path: Path
    source: str
    digest: str


def _loc(parts: tuple) -> str:
    out = ''
    for part in parts:
        if isinstance(part, int):
            out += f'[{part}]'
        else:
            out += ('.' if out else '') + str(part)
    return out


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(path)


def parse_process(path: Path, source: str | None = None) -> LoadedProcess:
    """Parse one file; raise ProcessLoadError listing every problem found in it."""
    # Guards and effects register on import; make sure they are loaded before names are checked.
    from . import effects, guards  # noqa: F401

    shown = _display(path)
    if source is None:
        source = path.read_text(encoding='utf-8')
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, 'problem_mark', None)
        where = f'line {mark.line + 1}, column {mark.column + 1}' if mark else ''
        problem = getattr(exc, 'problem', exc)
        raise ProcessLoadError([ProcessFileError(shown, where, f'not valid YAML: {problem}')]) from None
    if not isinstance(data, dict):
        raise ProcessLoadError(
            [ProcessFileError(shown, '', 'a process file must be a mapping (key: value) at the top')]
        )
    try:
        definition = ProcessDef.model_validate(data)
    except ValidationError as exc:
        raise ProcessLoadError(
            [
                ProcessFileError(shown, _loc(err['loc']), err['msg'].removeprefix('Value error, '))
                for err in exc.errors()
            ]
        ) from None
    problems = definition.structure_errors(guards=registry.guard_names(), effects=registry.effect_names())
    if path.stem != definition.key:
        problems.append(('key', f'key {definition.key!r} must match the file name {path.stem!r}'))
    if problems:
        raise ProcessLoadError([ProcessFileError(shown, loc, msg) for loc, msg in problems])
    digest = hashlib.sha256(source.encode('utf-8')).hexdigest()
    return LoadedProcess(definition=definition, path=path, source=source, digest=digest)


def process_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory or settings.GONGDAN_PROCESSES_DIR)
    return sorted(p for p in directory.glob('*.yaml') if not p.name.startswith('_'))


def load_all(directory: Path | None = None) -> list[LoadedProcess]:
    """Parse every process file; raise one ProcessLoadError with the problems of all files."""
    loaded, errors = [], []
    prefixes: dict[str, str] = {}
    for path in process_files(directory):
        try:
            item = parse_process(path)
        except ProcessLoadError as exc:
            errors += exc.errors
            continue
        other = prefixes.get(item.definition.prefix)
        if other:
            errors.append(
                ProcessFileError(
                    _display(path), 'prefix', f'prefix {item.definition.prefix!r} is already used by {other}'
                )
            )
        prefixes[item.definition.prefix] = item.definition.key
        loaded.append(item)
    if errors:
        raise ProcessLoadError(errors)
    return loaded
