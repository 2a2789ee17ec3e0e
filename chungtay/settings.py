"""Django settings: SQLite in ./data by default, PostgreSQL when DATABASE_URL is set."""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from chungtay import keys
from chungtay.env import is_production

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CHUNGTAY_DATA_DIR", BASE_DIR.parent / "data"))

# Production mode (CHUNGTAY_ENV=production) refuses to start without real keys and ALLOWED_HOSTS;
# development reads/creates DATA_DIR/keys.env. The field key is its own secret (docs/security.md).
PRODUCTION = is_production()
SECRET_KEY, FIELD_ENCRYPTION_KEY, FIELD_KEY_SOURCE = keys.for_settings(DATA_DIR, PRODUCTION)
DEBUG = os.environ.get("DEBUG", "0") == "1" and not PRODUCTION
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver").split(",") if h.strip()]
if PRODUCTION and not ALLOWED_HOSTS:
    raise keys.ProductionRefused("production mode (CHUNGTAY_ENV=production) refuses to start: set ALLOWED_HOSTS "
                                 "to the host names the app answers to (comma-separated). See docs/security.md")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "chungtay.units",
    "chungtay.accounts",
    "chungtay.households",
    "chungtay.reviews",
    "chungtay.imports",
    "chungtay.plans",
    "chungtay.support",
    "chungtay.revolving",
    "chungtay.fund",
    "chungtay.groups",
    "chungtay.emulation",
    "chungtay.prepared",
    "chungtay.analysis",
    "chungtay.reports",
    "chungtay.jobs",
    "chungtay.api",
    "chungtay.field",
    "chungtay.opendata",
    "chungtay.web",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chungtay.web.middleware.LanguageMiddleware",
    "chungtay.web.middleware.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chungtay.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "chungtay.web.context.common",
    ]},
}]
WSGI_APPLICATION = "chungtay.wsgi.application"

DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)   # the database holds personal data: owner only
if not PRODUCTION and DATA_DIR.stat().st_uid == os.getuid() and DATA_DIR.stat().st_mode & 0o077:
    os.chmod(DATA_DIR, 0o700)     # development and demo: owner only (production: setup-debian.sh sets 0750)
DATABASES = {"default": dj_database_url.config(
    default=f"sqlite:///{DATA_DIR / 'chungtay.sqlite3'}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers (the web app) work while a loader writes. IMMEDIATE: every write
    # transaction takes the write lock when it begins and waits for it (up to "timeout"
    # seconds), instead of failing with "database is locked" when a read turns into a write
    # (docs/architecture.md, "Concurrent writes").
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                       "timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: the prepared tables' refresh (one statement of many CASE expressions) took
    # 10 s instead of 0.16 s while PostgreSQL compiled it; short reads gain nothing from it either
    # (docs/deploy.md). A server-wide jit = off does the same.
    # random_page_cost 1.1 (the usual value for SSDs, PostgreSQL's default 4 is for spinning disks): a
    # province's database is a few GB, read from memory or SSD; with 4 the planner hashed the whole
    # household table to sort a round's page of 50 (39 ms) instead of looking up its ~1,000 rows (4 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"
    # a connection kept 10 minutes (checked before reuse), not one: each new one is a new PostgreSQL
    # process, whose first statements load the catalogue again (gunicorn's 12 threads reconnected
    # every minute under load)
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (imports): django-tasks with its database backend — the queue is a table of this
# database (SQLite or PostgreSQL), run by `chungtay worker` (docs/jobs.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation." + v} for v in (
    "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
    "NumericPasswordValidator")]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# UI text is chosen by the {% t %} tag and chungtay.i18n.tr; Django's own messages, dates and numbers
# follow the same language through its vi locale (LanguageMiddleware activates it).
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]     # a few corrections to Django's vi messages
CSRF_FAILURE_VIEW = "chungtay.web.errors.csrf_failure"
USE_TZ = True

# Boundary layer for maps (not shipped: see docs/dashboards.md). Default: the shared/geo folder
# beside the checkout, when present; otherwise maps fall back to points at unit centroids.
_geo = BASE_DIR.parent.parent / "shared" / "geo"
GEO_DIR = os.environ.get("CHUNGTAY_GEO_DIR", str(_geo) if _geo.exists() else "")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {"staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Security (docs/security.md) ---------------------------------------------------------------
# Headers on every response; the Content-Security-Policy comes from chungtay.web.security.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "chungtay.web.security.SecurityHeadersMiddleware")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 8 * 3600                 # a working day; then log in again
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True                   # scripts take the token from the form, never the cookie
if PRODUCTION:
    _flag = lambda name, default: os.environ.get(name, default).strip() not in ("0", "false", "no", "")  # noqa: E731
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("CHUNGTAY_SSL_REDIRECT", "1")
    if _flag("CHUNGTAY_BEHIND_PROXY", "0"):     # TLS ends at a proxy that sets X-Forwarded-Proto
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("CHUNGTAY_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("CHUNGTAY_HSTS_SUBDOMAINS", "1")
    SECURE_HSTS_PRELOAD = _flag("CHUNGTAY_HSTS_PRELOAD", "0")
    CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

# Failed log-ins: django-axes locks a user name from one address after 5 failures for 15 minutes;
# chungtay.web.security writes an AuditEvent for each failure and each lock-out (never the password).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("CHUNGTAY_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CHUNGTAY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# behind the documented nginx every request comes from 127.0.0.1: the client is the address nginx saw
CHUNGTAY_BEHIND_PROXY = os.environ.get("CHUNGTAY_BEHIND_PROXY", "0").strip() not in ("0", "false", "no", "")
AXES_CLIENT_IP_CALLABLE = "chungtay.web.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chungtay.web.security.lockout_response"
AXES_VERBOSE = False
