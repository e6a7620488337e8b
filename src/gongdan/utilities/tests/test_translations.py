"""The Simplified Chinese catalogue is complete and compiled: the UI is Chinese first (LANGUAGE_CODE = 'zh-hans').

Fails when a msgid is untranslated or fuzzy, a translation drops a placeholder, the committed .mo does not hold
exactly what the .po says (someone edited the .po and forgot compilemessages), or the catalogue no longer matches
the msgids in the code and templates. The fix is always: `bash scripts/messages.sh`, translate, run it again.
"""

import ast
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import gongdan

PACKAGE_DIR = Path(gongdan.__file__).resolve().parent
MESSAGES = PACKAGE_DIR / 'locale' / 'zh_Hans' / 'LC_MESSAGES'
PO = MESSAGES / 'django.po'
MO = MESSAGES / 'django.mo'
# Ignore patterns of scripts/messages.sh: tests are not translated.
IGNORE = ['tests/*', '*/tests/*', '.venv/*', 'var/*', '*/vendor/*', 'static/vendor/*']

PLACEHOLDER = re.compile(r'%\(\w+\)[sdif]|%[sdif]|\{\w*\}')

# A few msgids every page shows, with the words of docs/glossary.md.
KEY_TERMS = {
    'Ticket queue': '工单队列',
    'My work': '我的工作',
    'New ticket': '新建工单',
    'Assignee': '处理人',
    'Team': '处理组',
    'Watcher': '关注人',
    'Internal note': '内部备注',
    'Priority': '优先级',
    'Log out': '退出登录',
    'Pending': '等待中',
}


# --- a small .po reader (no third-party dependency) -----------------------------------------------------------
class Entry:
    def __init__(self):
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}  # form index -> text; a singular entry uses 0
        self.flags = set()
        self.obsolete = False

    @property
    def key(self) -> str:
        """The key the entry has in a compiled catalogue (gettext's .mo convention)."""
        key = self.msgid if self.msgid_plural is None else f'{self.msgid}\x00{self.msgid_plural}'
        return key if self.msgctxt is None else f'{self.msgctxt}\x04{key}'

    @property
    def value(self) -> str:
        return '\x00'.join(self.msgstr[i] for i in sorted(self.msgstr))


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header (msgid "") included, obsolete (#~) entries flagged."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.msgid is not None:
            entries.append(entry)

    for raw in [*path.read_text(encoding='utf-8').splitlines(), '']:
        line = raw.strip()
        obsolete = line.startswith('#~')
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith('#'):
            if line.startswith('#,'):
                entry = entry or Entry()
                entry.flags.update(flag.strip() for flag in line[2:].split(','))
            continue
        entry = entry or Entry()
        entry.obsolete = entry.obsolete or obsolete
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(' ')
            text = ast.literal_eval(rest.strip())
            if keyword.startswith('msgstr['):
                field = ('msgstr', int(keyword[7:-1]))
                entry.msgstr[field[1]] = ''
            elif keyword == 'msgstr':
                field = ('msgstr', 0)
                entry.msgstr[0] = ''
            elif keyword in ('msgctxt', 'msgid', 'msgid_plural'):
                field = (keyword, None)
                setattr(entry, keyword, '')
            else:
                raise AssertionError(f'{path}: cannot read line {raw!r}')
        name, index = field
        if name == 'msgstr':
            entry.msgstr[index] += text
        else:
            setattr(entry, name, getattr(entry, name) + text)
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """The messages of a compiled catalogue (GNU .mo, either byte order), keyed as in Entry.key."""
    data = path.read_bytes()
    for order in '<>':
        magic, _revision, count, originals, translations = struct.unpack(f'{order}5I', data[:20])
        if magic == 0x950412DE:
            break
    else:
        raise AssertionError(f'{path} is not a .mo file')
    messages = {}
    for i in range(count):
        length, offset = struct.unpack(f'{order}2I', data[originals + 8 * i : originals + 8 * i + 8])
        key = data[offset : offset + length].decode('utf-8')
        length, offset = struct.unpack(f'{order}2I', data[translations + 8 * i : translations + 8 * i + 8])
        messages[key] = data[offset : offset + length].decode('utf-8')
    return messages


@pytest.fixture(scope='module')
def entries() -> list[Entry]:
    return [e for e in read_po(PO) if not e.obsolete]


def messages_of(entries: list[Entry]) -> dict[str, str]:
    return {e.key: e.value for e in entries if e.msgid}


def header_of(entries: list[Entry]) -> dict[str, str]:
    header = next(e for e in entries if e.msgid == '' and e.msgctxt is None)
    return dict(line.split(': ', 1) for line in header.msgstr[0].splitlines() if ': ' in line)


# --- the tests ------------------------------------------------------------------------------------------------
def test_catalogue_files_exist_and_are_used():
    assert PO.is_file(), 'run bash scripts/messages.sh'
    assert MO.is_file(), 'run bash scripts/messages.sh (the .mo is committed)'
    assert PACKAGE_DIR / 'locale' in [Path(p) for p in settings.LOCALE_PATHS]
    assert settings.LANGUAGE_CODE == 'zh-hans'


def test_header_declares_chinese_plural_forms(entries):
    header = header_of(entries)
    assert header['Content-Type'] == 'text/plain; charset=UTF-8'
    assert header['Plural-Forms'].replace(' ', '') == 'nplurals=1;plural=0;'
    assert header['Language'] == 'zh_Hans'


def test_every_msgid_is_translated_and_none_is_fuzzy(entries):
    untranslated = [e.msgid for e in entries if e.msgid and not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if 'fuzzy' in e.flags]
    assert not untranslated, f'{len(untranslated)} untranslated msgid(s) in {PO.name}: {untranslated[:20]}'
    assert not fuzzy, f'{len(fuzzy)} fuzzy entr(ies) in {PO.name} (ignored at runtime): {fuzzy[:20]}'


def test_plural_entries_have_exactly_one_form(entries):
    plural = [e for e in entries if e.msgid_plural is not None]
    assert plural
    assert all(sorted(e.msgstr) == [0] for e in plural), [e.msgid for e in plural if sorted(e.msgstr) != [0]]


def test_translations_keep_every_placeholder(entries):
    wrong = []
    for e in entries:
        if not e.msgid:
            continue
        for source in filter(None, (e.msgid, e.msgid_plural)):
            for text in e.msgstr.values():
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                    wrong.append((source, text))
    assert not wrong, wrong


def test_translations_are_chinese(entries):
    """Each translation differs from its msgid, unless it is a code such as API or SHA-256 (or a protocol: SSH, FTP,
    Web, the access types of SVC-01)."""
    same = [e.msgid for e in entries if e.msgid and e.msgstr.get(0) == e.msgid]
    assert set(same) <= {'API', 'SHA-256', 'SSH', 'FTP', 'Web'}, same


def test_compiled_catalogue_matches_the_po(entries):
    """The committed .mo holds exactly the .po's translations: no one edited the .po without compiling it."""
    compiled = read_mo(MO)
    expected = messages_of(entries)
    compiled.pop('', None)
    stale = {k: (compiled.get(k), v) for k, v in expected.items() if compiled.get(k) != v}
    extra = sorted(set(compiled) - set(expected))
    assert not stale and not extra, f'django.mo is stale, run bash scripts/messages.sh: {list(stale.items())[:10]}'


@pytest.mark.skipif(not shutil.which('msgfmt'), reason='gettext tools are not installed')
def test_po_compiles_cleanly_with_msgfmt(tmp_path, entries):
    target = tmp_path / 'django.mo'
    result = subprocess.run(
        ['msgfmt', '--check', '-o', str(target), str(PO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    compiled = read_mo(target)
    compiled.pop('', None)
    assert compiled == messages_of(entries)


@pytest.mark.skipif(not shutil.which('xgettext'), reason='gettext tools are not installed')
def test_catalogue_has_exactly_the_msgids_of_the_code(tmp_path, monkeypatch, entries):
    """No msgid in the code or templates is missing from django.po (and none is left over): new strings fail here.

    Runs makemessages on a copy of the package so the committed catalogue is not touched.
    """
    copy = tmp_path / 'gongdan'
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns('locale', '__pycache__', 'tests'))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / 'locale']):
        call_command('makemessages', locale=['zh_Hans'], no_location=True, ignore_patterns=IGNORE, verbosity=0)
    extracted = {e.key for e in read_po(copy / 'locale' / 'zh_Hans' / 'LC_MESSAGES' / 'django.po') if e.msgid}
    catalogued = set(messages_of(entries))
    missing, leftover = sorted(extracted - catalogued), sorted(catalogued - extracted)
    assert not missing, f'msgids not in django.po, run bash scripts/messages.sh and translate them: {missing}'
    assert not leftover, f'msgids no longer in the code, run bash scripts/messages.sh: {leftover}'


@pytest.mark.parametrize(('msgid', 'chinese'), KEY_TERMS.items())
def test_key_terms_are_chinese_at_runtime(msgid, chinese):
    with translation.override('zh-hans'):
        assert translation.gettext(msgid) == chinese
    with translation.override('en'):
        assert translation.gettext(msgid) == msgid


def test_plurals_and_model_names_are_chinese_at_runtime():
    from gongdan.tickets.models import Ticket

    with translation.override('zh-hans'):
        assert translation.ngettext('%(counter)s ticket', '%(counter)s tickets', 1) % {'counter': 1} == '1 张工单'
        assert translation.ngettext('%(counter)s ticket', '%(counter)s tickets', 5) % {'counter': 5} == '5 张工单'
        assert str(Ticket._meta.verbose_name) == '工单'
        assert str(Ticket._meta.get_field('assignee').verbose_name) == '处理人'


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    page = client.get('/accounts/login/').content.decode()
    assert '登录' in page
    assert 'Log in to your account' not in page
