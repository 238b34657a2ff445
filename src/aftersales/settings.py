"""Django settings for Aftersales.

Only deployment concerns live here, each read from the environment (STYLE.md rule 7).
Business knobs (SLA targets, calendars, survey rules) are data edited by administrators.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# DATA_DIR: SQLite database, Huey's own SQLite file, uploads, e-mail files.
DATA_DIR = Path(os.environ.get("DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# DEBUG is off unless asked for; the demo runs the real stack (gunicorn + whitenoise).
DEBUG = _env_bool("DEBUG", False)
# The public demo key is only for the embedded demo (docs/adr/0005-the-demo-secret-key.md): with
# DEBUG off the web application refuses to start on it unless AFTERSALES_DEMO says this is the
# demo (`make run`, `make test` set it), and `check --deploy` always reports it (accounts.E001).
DEMO_SECRET_KEY = "insecure-demo-key-change-me-" + "x" * 32
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
AFTERSALES_DEMO = _env_bool("AFTERSALES_DEMO", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "axes",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.catalog",
    "aftersales.customers",
    "aftersales.workorders",
    "aftersales.sla",
    "aftersales.repairs",
    "aftersales.parts",
    "aftersales.surveys",
    "aftersales.feedback",
    "aftersales.staff",
    "aftersales.dispatch",
    "aftersales.fieldservice",
    "aftersales.audit",
    "aftersales.api",
    "aftersales.web",
    "aftersales.portal",
    "aftersales.demo",  # manage.py demo_seed
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, so static files keep their own headers (long caching, no policy).
    "csp.middleware.CSPMiddleware",
    "aftersales.web.middleware.NoStoreMiddleware",  # pages and API answers hold personal data
    "aftersales.audit.middleware.ClientAddressMiddleware",  # access-log rows carry the client's address
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftersales.web.middleware.ChineseFirstLocaleMiddleware",  # Chinese unless the user picks English
    "aftersales.api.middleware.JsonErrorsMiddleware",  # under /api/, every error is the JSON error body
    "aftersales.web.middleware.RequestTooLargeMiddleware",  # 413 before an oversized upload is read
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.audit.middleware.AdminAccessLogMiddleware",  # the admin's pages write the access log
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aftersales.web.middleware.DatabaseBusyMiddleware",  # a lock not granted in time: 503, retry
    # Last, as django-axes asks: turns a locked-out log-in into accounts.throttle's answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aftersales.web.context_processors.navigation",
            ],
        },
    },
]

# DATABASE_URL selects PostgreSQL in production; the default is SQLite (WAL) in DATA_DIR.
_default_db = f"sqlite:///{DATA_DIR / 'aftersales.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the
        # busy timeout instead of failing when one upgrades a read lock (numbering, stock).
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        # wal_autocheckpoint: copy the WAL back every 10,000 pages (40 MB), not every 1,000; the
        # index pages each intake touches are then written once per checkpoint, not ten times
        # (+10 % created per second in bench/workorders_bench.py).
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA wal_autocheckpoint=10000;"
            "PRAGMA foreign_keys=ON;PRAGMA cache_size=-64000;PRAGMA temp_store=MEMORY;"
        ),
    }
    # Connections stay open between requests (CONN_MAX_AGE above): a new SQLite connection
    # re-reads the schema and starts with an empty page cache.
    # A file (not :memory:) so a real worker process can open the test database too; one per
    # process so parallel test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test_aftersales_{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A lock waited for longer than SQLite's busy timeout fails the same way: 503 database_busy
    # with Retry-After (core.errors.database_busy), instead of a request that hangs for ever.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c lock_timeout=30s"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes' backend first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "aftersales.accounts.backends.Backend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Log-in throttling (django-axes; accounts/throttle.py, docs/adr/0006-log-in-throttling.md): an
# account is locked after LOGIN_FAILURE_LIMIT failed log-ins, an address after
# LOGIN_ADDRESS_FAILURE_LIMIT (an office shares one address), both on the log-in page and
# POST /api/v1/auth/token. Failures are forgotten LOGIN_COOLOFF_MINUTES after the last one; the
# lock doubles for each further limit's worth of failures, up to a day.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_HANDLER = "aftersales.accounts.throttle.ThrottleHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_USE_ATTEMPT_EXPIRATION = True  # each failure row keeps its own expiry: the back-off
AXES_LOCKOUT_CALLABLE = "aftersales.accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aftersales.web.access.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are not axes' business; the audit log is ours

# Personal API tokens (accounts.ApiToken) expire this many days after they are issued.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its catalogue in <app>/locale
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "web" / "assets"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Attachments on work orders (photos, documents): at most ATTACHMENT_MAX_MB megabytes each,
# refused with 413 payload_too_large beyond (workorders/attachments.py), before the body is
# read when its Content-Length says so. A file's bytes do not count towards
# DATA_UPLOAD_MAX_MEMORY_SIZE, which bounds the rest of a request (a JSON body, form fields) and
# is answered with the same 413 (api/main.py); above FILE_UPLOAD_MAX_MEMORY_SIZE an upload is
# streamed to a temporary file instead of memory.
ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "10"))
# A repeat repair: a new work order on an installed product that had one received at
# most this many days before it (workorders/services/intake.py).
REPEAT_REPAIR_DAYS = int(os.environ.get("REPEAT_REPAIR_DAYS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated: api/main.py refers to it
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Return-to-factory repair: the deadline is this many working days on the default SLA
# calendar from the product's receipt (repairs/deadlines.py). Shipments: EMS unless the
# parcel weighs more than SHIPMENT_RAIL_OVER_KG kilograms, then rail (repairs/carriers.py).
REPAIR_DEADLINE_WORKING_DAYS = int(os.environ.get("REPAIR_DEADLINE_WORKING_DAYS", "10"))
SHIPMENT_RAIL_OVER_KG = float(os.environ.get("SHIPMENT_RAIL_OVER_KG", "30"))
# Customer satisfaction (R-9, surveys/): an answer's text is required (then at least 10
# characters) unless SURVEY_TEXT_REQUIRED is off; the points announced in an invitation and credited
# for a valid answer; the shared secret of each SMS gateway that posts replies to
# /api/v1/sms/inbound ("name:secret,name:secret"); scores under SURVEY_IMPROVEMENT_BELOW open an item.
SURVEY_TEXT_REQUIRED = _env_bool("SURVEY_TEXT_REQUIRED", True)
SURVEY_INCENTIVE_POINTS = int(os.environ.get("SURVEY_INCENTIVE_POINTS", "50"))
SURVEY_IMPROVEMENT_BELOW = float(os.environ.get("SURVEY_IMPROVEMENT_BELOW", "7"))
# The monthly sample: at least this share of last month's customers, each stratum rounded up.
SURVEY_SAMPLE_RATE = os.environ.get("SURVEY_SAMPLE_RATE", "0.10")
# A complex repair gets a special survey within a week of closing: one with at least
# SURVEY_COMPLEX_VISITS on-site visits (0: visits never make it complex), or a return-to-factory
# repair while SURVEY_COMPLEX_RETURN_TO_FACTORY is on.
SURVEY_COMPLEX_VISITS = int(os.environ.get("SURVEY_COMPLEX_VISITS", "2"))
SURVEY_COMPLEX_RETURN_TO_FACTORY = _env_bool("SURVEY_COMPLEX_RETURN_TO_FACTORY", True)
_SMS_SECRETS = os.environ.get("SMS_INBOUND_SECRETS", "demo:demo-sms-secret" if AFTERSALES_DEMO else "")
SMS_INBOUND_SECRETS = dict(part.split(":", 1) for part in _SMS_SECRETS.split(",") if ":" in part)


# E-mail: files in DATA_DIR/mail for the demo, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "aftersales@localhost")
# Dotted path of the SMS gateway class; the demo one writes to a log table.
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "aftersales.core.sms.LogTableGateway")
# Where customers open the portal: the links in their e-mails and SMS (no trailing slash).
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work: SqliteHuey in DATA_DIR (never the application's database file);
# RedisHuey when HUEY_REDIS_URL is set. Tests run in immediate mode.
HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL", "")
HUEY_IMMEDIATE = _env_bool("HUEY_IMMEDIATE", False)
if HUEY_REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "aftersales",
        "url": HUEY_REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "aftersales",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"


def _inline_style_hash(template: Path) -> str:
    """The CSP hash of a template's one <style> element (a page rendered without a request, so
    without a nonce); computed from the file so that editing the style never breaks the page."""
    match = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.DOTALL)
    if match is None:
        raise ValueError(f"no <style> element in {template}")
    return "'sha256-" + base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode() + "'"


# Content-Security-Policy (django-csp): everything comes from this site. Scripts only from static
# files (an inline one would need the request's nonce, `request.csp_nonce`); so do <style> elements,
# except the standalone error page's (500, CSRF failure), allowed by its hash. Style attributes stay
# allowed (templates and ECharts' tooltips use them; an attribute cannot carry a nonce, and it
# cannot run script). data: images are Bootstrap's inline SVG icons and signature_pad's pictures.
_ERROR_PAGE_STYLE = _inline_style_hash(BASE_DIR / "web" / "templates" / "web" / "error_standalone.html")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE, _ERROR_PAGE_STYLE],
        "style-src-elem": [SELF, NONCE, _ERROR_PAGE_STYLE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG and _env_bool("SECURE_COOKIES", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # run_huey gives the "huey" logger a handler of its own; not propagating avoids every line twice.
    "loggers": {"huey": {"propagate": False}},
}
