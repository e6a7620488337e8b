"""Encryption at rest of filed passwords (SVC-01: leaks are prevented), Fernet from the ``cryptography`` package.

The key comes from the environment (``GONGDAN_CREDENTIALS_KEY``, settings.CREDENTIALS_KEY: a Fernet key, 32
url-safe base64 bytes; ``gongdan credentials genkey`` prints a new one). Without a key the feature is off: the
register, grants and rotations work, but no password can be filed or shown. cryptography is imported here, on
first use, so web workers do not load it at start-up.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from gongdan.utilities.errors import GongdanError


class NoCredentialsKey(GongdanError):
    code = 'credentials_key_missing'
    status = 409


def is_configured() -> bool:
    return bool(getattr(settings, 'CREDENTIALS_KEY', ''))


def _fernet():
    from cryptography.fernet import Fernet

    if not is_configured():
        raise NoCredentialsKey(
            _('Storing passwords is off: GONGDAN_CREDENTIALS_KEY is not set (see docs/credentials.md).')
        )
    try:
        return Fernet(settings.CREDENTIALS_KEY.encode())
    except ValueError as exc:  # a malformed key: say so rather than fail later
        raise NoCredentialsKey(_('GONGDAN_CREDENTIALS_KEY is not a valid Fernet key.')) from exc


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:  # the key changed since the password was filed
        raise NoCredentialsKey(_('This password was filed under another key and cannot be read.')) from exc


def new_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()
