"""Settings fail fast, at start-up, with a message naming the variable (house style: fail fast on bad config).

Each case imports the settings in a fresh interpreter, because settings are read once per process.
"""

import os
import subprocess
import sys

import pytest

SCRIPT = (
    "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'gongdan.settings'; django.setup(); "
    "from django.conf import settings; print('ENGINE=' + settings.DATABASES['default']['ENGINE'])"
)
CONFIG_VARS = (
    'DATABASE_URL',
    'GONGDAN_ENV',
    'GONGDAN_SECRET_KEY',
    'GONGDAN_ALLOWED_HOSTS',
    'GONGDAN_DEBUG',
    'GONGDAN_REDIS_URL',
    'GONGDAN_TEST_DB_NAME',
)


def load_settings(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean.update({'GONGDAN_DATA_DIR': str(tmp_path), 'GONGDAN_ENV': 'development', **env})
    return subprocess.run(
        [sys.executable, '-c', SCRIPT], env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def assert_fails(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode != 0, result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith('django.core.exceptions.ImproperlyConfigured:'), result.stderr
    for text in expected:
        assert text in last


def test_defaults_use_sqlite_in_the_data_dir(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'ENGINE=django.db.backends.sqlite3' in result.stdout
    assert (tmp_path / 'secret_key').exists()  # development key kept in the data directory


def test_postgres_url_is_accepted(tmp_path):
    result = load_settings(tmp_path, DATABASE_URL='postgres://gongdan:secret@db.example:5432/gongdan')
    assert result.returncode == 0, result.stderr
    assert 'ENGINE=django.db.backends.postgresql' in result.stdout


@pytest.mark.parametrize(
    ('url', 'expected'),
    [
        ('mysql://user:pass@localhost/gongdan', 'must point at PostgreSQL'),
        ('sqlite:////tmp/gongdan.sqlite3', 'must point at PostgreSQL'),
        ('not a url', 'could not be parsed'),
        ('postgres://user@host:notaport/gongdan', 'could not be parsed'),
        ('postgres://user@host:5432', 'names no database'),
    ],
)
def test_bad_database_url_fails_fast(tmp_path, url, expected):
    assert_fails(load_settings(tmp_path, DATABASE_URL=url), 'DATABASE_URL', expected)


def test_production_requires_secret_key(tmp_path):
    result = load_settings(tmp_path, GONGDAN_ENV='production', GONGDAN_ALLOWED_HOSTS='gongdan.example.com')
    assert_fails(result, 'GONGDAN_SECRET_KEY is not set')


def test_production_rejects_short_secret_key(tmp_path):
    result = load_settings(
        tmp_path, GONGDAN_ENV='production', GONGDAN_SECRET_KEY='short', GONGDAN_ALLOWED_HOSTS='gongdan.example.com'
    )
    assert_fails(result, 'GONGDAN_SECRET_KEY', 'at least 32 characters')


def test_production_requires_allowed_hosts(tmp_path):
    result = load_settings(tmp_path, GONGDAN_ENV='production', GONGDAN_SECRET_KEY='x' * 50)
    assert_fails(result, 'GONGDAN_ALLOWED_HOSTS')


def test_production_with_key_and_hosts_starts(tmp_path):
    result = load_settings(
        tmp_path, GONGDAN_ENV='production', GONGDAN_SECRET_KEY='x' * 50, GONGDAN_ALLOWED_HOSTS='gongdan.example.com'
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / 'secret_key').exists()  # production never invents a key


@pytest.mark.parametrize('value', ['maybe', 'yes please', '2'])
def test_bad_boolean_fails_fast(tmp_path, value):
    assert_fails(load_settings(tmp_path, GONGDAN_DEBUG=value), 'GONGDAN_DEBUG must be a boolean', repr(value))


def test_unknown_environment_fails_fast(tmp_path):
    assert_fails(load_settings(tmp_path, GONGDAN_ENV='staging'), 'GONGDAN_ENV must be development, production or test')
