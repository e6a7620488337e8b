"""Django settings for Gongdan.

Everything that differs between machines comes from the environment (see README, "Configuration").
Bad configuration fails at start-up with a message naming the variable, never later at request time.
"""

import base64
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout (editable install); processes/ and static/ live there.
BASE_DIR = Path(os.environ.get('GONGDAN_BASE_DIR', PACKAGE_DIR.parent.parent)).resolve()

GONGDAN_ENV = os.environ.get('GONGDAN_ENV', 'development').strip().lower()
if GONGDAN_ENV not in {'development', 'production', 'test'}:
    raise ImproperlyConfigured(f'GONGDAN_ENV must be development, production or test, not {GONGDAN_ENV!r}.')
PRODUCTION = GONGDAN_ENV == 'production'


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == '':
        return default
    if raw.lower() in {'1', 'true', 'yes', 'on'}:
        return True
    if raw.lower() in {'0', 'false', 'no', 'off'}:
        return False
    raise ImproperlyConfigured(f'{name} must be a boolean (1/0, true/false), not {raw!r}.')


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == '':
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f'{name} must be an integer, not {raw!r}.') from None


DATA_DIR = Path(os.environ.get('GONGDAN_DATA_DIR', 'var')).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


# --- Secrets -----------------------------------------------------------------------------------
def _secret_key() -> str:
    key = os.environ.get('GONGDAN_SECRET_KEY', '').strip()
    if key:
        if PRODUCTION and len(key) < 32:
            raise ImproperlyConfigured('GONGDAN_SECRET_KEY must be at least 32 characters in production.')
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            'GONGDAN_SECRET_KEY is not set. In production (GONGDAN_ENV=production) set it to a long random '
            'string, e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
        )
    # Development: a key generated once and kept in the data directory, so sessions survive restarts.
    path = DATA_DIR / 'secret_key'
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _credentials_key() -> str:
    """The Fernet key that encrypts filed passwords (credentials app, SVC-01). Production: only from the
    environment (``GONGDAN_CREDENTIALS_KEY``); unset, storing passwords is off and says so. Development and tests:
    generated once into the data directory, like the development secret key."""
    key = os.environ.get('GONGDAN_CREDENTIALS_KEY', '').strip()
    if key or PRODUCTION:
        return key
    path = DATA_DIR / 'credentials_key'
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


CREDENTIALS_KEY = _credentials_key()
DEBUG = env_bool('GONGDAN_DEBUG', default=False)

_hosts = os.environ.get('GONGDAN_ALLOWED_HOSTS', '')
if _hosts.strip():
    ALLOWED_HOSTS = [h.strip() for h in _hosts.split(',') if h.strip()]
elif PRODUCTION:
    raise ImproperlyConfigured('GONGDAN_ALLOWED_HOSTS must list the host names Gongdan is served under in production.')
else:
    ALLOWED_HOSTS = ['127.0.0.1', 'localhost', '[::1]', 'testserver']
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get('GONGDAN_CSRF_TRUSTED_ORIGINS', '').split(',') if o.strip()]

# --- Applications ------------------------------------------------------------------------------
INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'whitenoise.runserver_nostatic',
    'django.contrib.staticfiles',
    'django.contrib.humanize',
    'rest_framework',
    'rest_framework.authtoken',
    'drf_spectacular',
    'drf_spectacular_sidecar',
    'django_filters',
    'django_htmx',
    'axes',
    'huey.contrib.djhuey',
    'gongdan.utilities',
    'gongdan.accounts',
    'gongdan.customers',
    'gongdan.workflow',
    'gongdan.tickets',
    'gongdan.approvals',
    'gongdan.calendars',
    'gongdan.sla',
    'gongdan.portal',
    'gongdan.notifications',
    'gongdan.complaints',
    'gongdan.idc',
    'gongdan.billing',
    'gongdan.emergencies',
    'gongdan.service',
    'gongdan.reports',
    'gongdan.callbacks',
    'gongdan.notices',
    'gongdan.crc',
    'gongdan.repairs',
    'gongdan.knowledge',
    'gongdan.inspections',
    'gongdan.projectdocs',
    'gongdan.credentials',
]

# The gongdan.utilities.middleware classes are the usual ones (subclasses) that step aside for an API call
# authenticated by a token header alone, with no cookies (utilities/middleware.py; issue #2).
MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'gongdan.utilities.middleware.WhiteNoiseMiddleware',
    'gongdan.utilities.middleware.SessionMiddleware',
    'gongdan.utilities.middleware.LanguageMiddleware',
    'django.middleware.common.CommonMiddleware',
    'gongdan.utilities.middleware.CsrfViewMiddleware',
    'gongdan.utilities.middleware.AuthenticationMiddleware',
    'gongdan.utilities.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
    'gongdan.utilities.middleware.HtmxMiddleware',
    'axes.middleware.AxesMiddleware',
]

ROOT_URLCONF = 'gongdan.urls'
WSGI_APPLICATION = 'gongdan.wsgi.application'

TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': [PACKAGE_DIR / 'templates'],
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.request',
                'django.template.context_processors.i18n',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
                'gongdan.utilities.context_processors.gongdan',
            ],
        },
    },
]


# --- Database ----------------------------------------------------------------------------------
def _database() -> dict:
    url = os.environ.get('DATABASE_URL', '').strip()
    if not url:
        return {
            'ENGINE': 'django.db.backends.sqlite3',
            'NAME': DATA_DIR / 'gongdan.sqlite3',
            'OPTIONS': {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so
                # two writers queue on busy_timeout instead of failing with "database is locked" on upgrade.
                'init_command': 'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;',
                'transaction_mode': 'IMMEDIATE',
                'timeout': 30,
            },
            'TEST': {'NAME': os.environ.get('GONGDAN_TEST_SQLITE_NAME') or None},
            # Keep connections across requests: opening one re-runs the PRAGMAs above on every request.
            'CONN_MAX_AGE': env_int('GONGDAN_DB_CONN_MAX_AGE', 60),
            'CONN_HEALTH_CHECKS': True,
        }
    import dj_database_url

    try:
        config = dj_database_url.parse(
            url, conn_max_age=env_int('GONGDAN_DB_CONN_MAX_AGE', 60), conn_health_checks=True
        )
    except Exception as exc:  # dj_database_url raises several kinds; all mean "the URL is malformed"
        raise ImproperlyConfigured(
            f'DATABASE_URL could not be parsed ({exc}). Expected postgres://user:pass@host:port/db'
        ) from exc
    if config.get('ENGINE') != 'django.db.backends.postgresql':
        raise ImproperlyConfigured(
            f'DATABASE_URL must point at PostgreSQL (postgres://...), got engine {config.get("ENGINE")!r}. '
            'Leave DATABASE_URL unset to use the embedded SQLite database.'
        )
    if not config.get('NAME'):
        raise ImproperlyConfigured('DATABASE_URL names no database (postgres://user@host:5432/DBNAME).')
    test_name = os.environ.get('GONGDAN_TEST_DB_NAME')
    if test_name:
        config['TEST'] = {'NAME': test_name}
    return config


DATABASES = {'default': _database()}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'

# --- Cache and task queue ----------------------------------------------------------------------
REDIS_URL = os.environ.get('GONGDAN_REDIS_URL', '').strip()
if REDIS_URL and not REDIS_URL.startswith(('redis://', 'rediss://', 'unix://')):
    raise ImproperlyConfigured(f'GONGDAN_REDIS_URL must be a redis:// URL, not {REDIS_URL!r}.')

if REDIS_URL:
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': REDIS_URL}}
else:
    CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}

# The queue is only the doorbell: deadlines and outbox rows live in the database (see docs/architecture.md).
HUEY = {
    'name': 'gongdan',
    'immediate': GONGDAN_ENV == 'test' or env_bool('GONGDAN_HUEY_IMMEDIATE', default=False),
    'consumer': {'workers': env_int('GONGDAN_WORKER_THREADS', 2), 'worker_type': 'thread', 'periodic': True},
}
if REDIS_URL:
    HUEY.update({'huey_class': 'huey.RedisHuey', 'url': REDIS_URL})
else:
    HUEY.update({'huey_class': 'huey.SqliteHuey', 'filename': str(DATA_DIR / 'huey.sqlite3')})

# SLA clocks: each worker process sweeps due deadlines this often (seconds); near deadlines also get a
# precise doorbell in the queue, so this bounds the lag of the rest (issue #3: every deadline within seconds).
GONGDAN_SLA_SWEEP_SECONDS = env_int('GONGDAN_SLA_SWEEP_SECONDS', 2)
if not 1 <= GONGDAN_SLA_SWEEP_SECONDS <= 60:
    raise ImproperlyConfigured('GONGDAN_SLA_SWEEP_SECONDS must be between 1 and 60.')

# --- Auth --------------------------------------------------------------------------------------
AUTH_USER_MODEL = 'accounts.User'
AUTHENTICATION_BACKENDS = ['axes.backends.AxesStandaloneBackend', 'django.contrib.auth.backends.ModelBackend']
PASSWORD_HASHERS = [
    'django.contrib.auth.hashers.Argon2PasswordHasher',
    'django.contrib.auth.hashers.PBKDF2PasswordHasher',
]
AUTH_PASSWORD_VALIDATORS = [
    {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},
    {'NAME': 'django.contrib.auth.password_validation.MinimumLengthValidator', 'OPTIONS': {'min_length': 8}},
    {'NAME': 'django.contrib.auth.password_validation.CommonPasswordValidator'},
]
LOGIN_URL = 'accounts:login'
LOGIN_REDIRECT_URL = 'tickets:dashboard'
LOGOUT_REDIRECT_URL = 'accounts:login'
# Login throttling: 5 failures for the same username from the same address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int('GONGDAN_LOGIN_FAILURE_LIMIT', 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [['username', 'ip_address']]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = 'accounts/locked_out.html'
AXES_ENABLED = env_bool('GONGDAN_LOGIN_THROTTLING', default=True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION and env_bool('GONGDAN_SECURE_COOKIES', default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = 'DENY'
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = 'zh-hans'
LANGUAGES = [('zh-hans', _('Simplified Chinese')), ('en', _('English'))]
LOCALE_PATHS = [PACKAGE_DIR / 'locale']
TIME_ZONE = os.environ.get('GONGDAN_TIME_ZONE', 'Asia/Shanghai')
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ------------------------------------------------------------------
STATIC_URL = '/static/'
STATIC_ROOT = DATA_DIR / 'static'
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start when collectstatic has not run yet
STATICFILES_DIRS = [BASE_DIR / 'static'] if (BASE_DIR / 'static').is_dir() else []
STORAGES = {
    'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'},
    # Attachments live outside the web root and have no URL: they are served only by a view that checks access.
    'attachments': {
        'BACKEND': 'django.core.files.storage.FileSystemStorage',
        'OPTIONS': {'location': str(DATA_DIR / 'attachments'), 'base_url': None},
    },
    'staticfiles': {
        'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'
        if not PRODUCTION
        else 'whitenoise.storage.CompressedManifestStaticFilesStorage'
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / 'media'
GONGDAN_ATTACHMENT_MAX_BYTES = env_int('GONGDAN_ATTACHMENT_MAX_MB', 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Processes ---------------------------------------------------------------------------------
GONGDAN_PROCESSES_DIR = Path(os.environ.get('GONGDAN_PROCESSES_DIR', BASE_DIR / 'processes')).resolve()
GONGDAN_SEED_RULES_FILE = Path(
    os.environ.get('GONGDAN_SEED_RULES_FILE', BASE_DIR.parent / 'shared' / 'spec' / 'seed-rules.md')
).resolve()

# --- E-mail ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get('GONGDAN_EMAIL_FROM', 'Gongdan 工单 <gongdan@localhost>')
if os.environ.get('GONGDAN_EMAIL_HOST'):
    EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'
    EMAIL_HOST = os.environ['GONGDAN_EMAIL_HOST']
    EMAIL_PORT = env_int('GONGDAN_EMAIL_PORT', 25)
    EMAIL_HOST_USER = os.environ.get('GONGDAN_EMAIL_USER', '')
    EMAIL_HOST_PASSWORD = os.environ.get('GONGDAN_EMAIL_PASSWORD', '')
    EMAIL_USE_TLS = env_bool('GONGDAN_EMAIL_USE_TLS', default=False)
    EMAIL_USE_SSL = env_bool('GONGDAN_EMAIL_USE_SSL', default=False)
    EMAIL_TIMEOUT = 20
else:
    # No SMTP server configured: mail is written to files under the data directory, readable in a demo.
    EMAIL_BACKEND = 'django.core.mail.backends.filebased.EmailBackend'
    EMAIL_FILE_PATH = DATA_DIR / 'mail'

# --- Notifications -----------------------------------------------------------------------------
# The address links in e-mails and robot posts point to (the agent UI as users reach it).
GONGDAN_SITE_URL = os.environ.get('GONGDAN_SITE_URL', 'http://127.0.0.1:8000').strip().rstrip('/')
if not GONGDAN_SITE_URL.startswith(('http://', 'https://')):
    raise ImproperlyConfigured(f'GONGDAN_SITE_URL must start with http:// or https://, not {GONGDAN_SITE_URL!r}.')
# Robot webhooks may reach private/loopback addresses only when this is on (closed networks, tests); otherwise
# only public https targets and the hosts an administrator allow-lists (notifications/security.py).
GONGDAN_WEBHOOK_ALLOW_PRIVATE = env_bool('GONGDAN_WEBHOOK_ALLOW_PRIVATE', default=False)
GONGDAN_WEBHOOK_TIMEOUT = env_int('GONGDAN_WEBHOOK_TIMEOUT', 10)

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    'DEFAULT_AUTHENTICATION_CLASSES': [
        'rest_framework.authentication.TokenAuthentication',
        'rest_framework.authentication.SessionAuthentication',
    ],
    'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.IsAuthenticated'],
    'DEFAULT_PAGINATION_CLASS': 'gongdan.utilities.api.StandardPagination',
    'PAGE_SIZE': 25,
    'DEFAULT_FILTER_BACKENDS': ['django_filters.rest_framework.DjangoFilterBackend'],
    'DEFAULT_SCHEMA_CLASS': 'drf_spectacular.openapi.AutoSchema',
    'EXCEPTION_HANDLER': 'gongdan.utilities.api.exception_handler',
    'DEFAULT_RENDERER_CLASSES': [
        'rest_framework.renderers.JSONRenderer',
        'rest_framework.renderers.BrowsableAPIRenderer',
    ],
}
SPECTACULAR_SETTINGS = {
    'TITLE': 'Gongdan API',
    'DESCRIPTION': 'Gongdan (工单) service desk REST API. Authenticate with "Authorization: Token <token>".',
    'VERSION': 'v1',
    'SERVE_INCLUDE_SCHEMA': False,
    'SWAGGER_UI_DIST': 'SIDECAR',
    'SWAGGER_UI_FAVICON_HREF': 'SIDECAR',
    'REDOC_DIST': 'SIDECAR',
    'COMPONENT_SPLIT_REQUEST': True,
    # One schema name per choice set that several fields share (urgency/impact, request status/task decision).
    'ENUM_NAME_OVERRIDES': {
        'LevelEnum': 'gongdan.tickets.choices.Level',
        'ApprovalStatusEnum': 'gongdan.approvals.models.ApprovalStatus',
        'DeviceKindEnum': 'gongdan.idc.choices.DeviceKind',
        'AllocationKindEnum': 'gongdan.idc.choices.AllocationKind',
        'ChannelEnum': 'gongdan.tickets.choices.Channel',
        'CallbackChannelEnum': 'gongdan.callbacks.choices.CallbackChannel',
        'CallbackRatingEnum': 'gongdan.callbacks.choices.Rating',
        'NoticeKindEnum': 'gongdan.notices.choices.NoticeKind',
        'NoticeAudienceEnum': 'gongdan.notices.choices.NoticeAudience',
    },
}

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {'plain': {'format': '%(asctime)s %(levelname)s %(name)s: %(message)s'}},
    'handlers': {'console': {'class': 'logging.StreamHandler', 'formatter': 'plain'}},
    'root': {'handlers': ['console'], 'level': os.environ.get('GONGDAN_LOG_LEVEL', 'INFO')},
    'loggers': {'django.db.backends': {'level': 'WARNING'}, 'huey': {'level': 'INFO'}},
}
