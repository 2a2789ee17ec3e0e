"""Django settings: SQLite in ./data by default, PostgreSQL when DATABASE_URL is set."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CHUNGTAY_DATA_DIR", BASE_DIR.parent / "data"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
# Key for the protected personal fields (citizen ID). Derived from SECRET_KEY unless set.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")

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
    "chungtay.reports",
    "chungtay.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chungtay.web.middleware.LanguageMiddleware",
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

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.config(
    default=f"sqlite:///{DATA_DIR / 'chungtay.sqlite3'}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers (the web app) work while a loader writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                                       "timeout": 30}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# UI text is chosen by the {% t %} tag and chungtay.i18n.tr; Django's own messages, dates and numbers
# follow the same language through its vi locale (LanguageMiddleware activates it).
USE_I18N = True
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
