"""anlao settings: one env-driven file (the healthchecks way).

Every knob is an environment variable with a safe default. Secrets may come from
``NAME`` or from a file named by ``NAME_FILE`` (Docker/systemd credentials).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    """A string from ``NAME``, else the contents of the file named by ``NAME_FILE``."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.getenv(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.getenv(name)
    return default if value in (None, "") else int(value)


def envfloat(name: str, default: float) -> float:
    value = os.getenv(name)
    return float(value) if value not in (None, "") else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envjson(name: str, default: Any) -> Any:
    """A JSON value (e.g. an object of overrides) from ``NAME``, else ``default``."""
    value = os.getenv(name)
    return default if value in (None, "") else json.loads(value)


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or ("insecure-dev-key" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("Set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=1 for development.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "simple_history",
    "ninja",  # serves the API docs assets locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "anlao.core",
    "anlao.areas",
    "anlao.accounts",
    "anlao.people",
    "anlao.assessments",
    "anlao.benefits",
    "anlao.credit",
    "anlao.facilities",
    "anlao.workforce",
    "anlao.waitlist",
    "anlao.homecare",
    "anlao.alarms",
    "anlao.portal",
    "anlao.planning",
    "anlao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anlao.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "anlao.portal.middleware.FamilyOnPortalMiddleware",
    "anlao.core.middleware.HtmxLoginRedirectMiddleware",
    "anlao.core.middleware.NoStoreMiddleware",
    "anlao.core.middleware.RefusalLogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anlao.core.context_processors.site",
            ],
        },
    }
]

# --- Database: SQLite (WAL) by default; DATABASE_URL switches to PostgreSQL -------------
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and envbool("PG_DISABLE_JIT", True):
        # PostgreSQL's JIT costs ~1 s on the paged list+count queries and saves nothing here.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("SQLITE_PATH", str(BASE_DIR / "anlao.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if envbool("FAST_PASSWORD_HASHER", False):  # tests only: argon2 is slow by design
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username from one address after 5 failures, a username from any
# address after 20, an address for any username after 30 (anlao/accounts/lockout.py)
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_LIMITS = {
    "username+ip_address": AXES_FAILURE_LIMIT,
    "username": envint("AXES_USERNAME_FAILURE_LIMIT", 20),
    "ip_address": envint("AXES_IP_FAILURE_LIMIT", 30),
}
AXES_HANDLER = "anlao.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)

# --- i18n: Simplified Chinese first, English second ---------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles"))

# --- Security defaults (safe unless DEBUG) -----------------------------------------------
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
# Map tiles are optional; when configured, the CSP admits their host for images only.
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "")
CONTENT_SECURITY_POLICY = os.getenv(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; img-src 'self' data: blob:{tiles}; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'",
)

# --- Background tasks: Django's task API with the database backend --------------------
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# A batch run (e.g. a benefit run) whose worker has not beaten for this long is taken to be
# dead (killed, machine lost): another worker may claim it (anlao/core/runs.py).
RUN_STALE_AFTER_SECONDS = envint("RUN_STALE_AFTER_SECONDS", 120)

# --- Domain settings -----------------------------------------------------------------------
# Rows shown per page in lists.
PAGE_SIZE = envint("PAGE_SIZE", 25)
# Largest Excel import accepted, in rows.
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
# An .xlsx is a zip: the most it may unpack to (all members, MB), and the longest stretch of
# text between two XML tags (bytes; Excel's own cell limit is 32,767 characters), checked
# before it is parsed, so a small upload cannot inflate into gigabytes (anlao/core/imports.py).
IMPORT_MAX_UNZIPPED_MB = envint("IMPORT_MAX_UNZIPPED_MB", 200)
IMPORT_MAX_CELL_BYTES = envint("IMPORT_MAX_CELL_BYTES", 200_000)
# Largest Excel export of the elder list; beyond it the user is asked to narrow the filters.
EXPORT_MAX_ROWS = envint("EXPORT_MAX_ROWS", 200_000)

# The youngest age (years) the elder registry accepts (老年人: 60 and over).
ELDER_MIN_AGE = envint("ELDER_MIN_AGE", 60)

# --- Ability assessments (docs/assessments.md) ----------------------------------------------
# Whether C.4's two "one level up" rules (mental disorder; two or more care-risk events) may
# both apply; by default an assessment moves up one level at most.
ASSESSMENT_LEVEL_CHANGES_STACK = envbool("ASSESSMENT_LEVEL_CHANGES_STACK", False)
# Two care-risk events of different types count as two.
ASSESSMENT_RISK_EVENTS_ACROSS_TYPES = envbool("ASSESSMENT_RISK_EVENTS_ACROSS_TYPES", True)
# A reassessment is due this many months after the last final one (the standard: yearly).
ASSESSMENT_REASSESS_MONTHS = envint("ASSESSMENT_REASSESS_MONTHS", 12)
# The "due soon" window of the reassessment schedule, in days.
ASSESSMENT_DUE_SOON_DAYS = envint("ASSESSMENT_DUE_SOON_DAYS", 30)

# --- Benefits (docs/benefits.md) ------------------------------------------------------------
# Folder of the programme YAML files (one per benefit programme).
BENEFITS_POLICY_DIR = Path(os.getenv("BENEFITS_POLICY_DIR", "") or BASE_DIR / "policies")
# Per-programme parameter overrides, JSON: {"<programme code>": {"<param>": value}}.
BENEFITS_PARAMS = envjson("BENEFITS_PARAMS", {})
# Share (percent) of a month's payment that may be withheld to recover an overpayment.
BENEFITS_RECOVERY_SHARE = envint("BENEFITS_RECOVERY_SHARE", 50)
# Checks on each run: unrelated elders paid into one account from this many on; plausible
# ages for an elderly allowance.
BENEFITS_CHECK_SHARED_ACCOUNT_MIN = envint("BENEFITS_CHECK_SHARED_ACCOUNT_MIN", 3)
BENEFITS_CHECK_AGE_MIN = envint("BENEFITS_CHECK_AGE_MIN", 60)
BENEFITS_CHECK_AGE_MAX = envint("BENEFITS_CHECK_AGE_MAX", 110)

# --- Facilities and the waitlist ------------------------------------------------------------
# Overrides of the compliance policy's defaults (anlao/facilities/policy.py), JSON object.
FACILITY_POLICY = envjson("FACILITY_POLICY", {})
# The waitlist's priority policy file; empty: the shipped anlao/waitlist/data policy.
WAITLIST_POLICY_FILE = os.getenv("WAITLIST_POLICY_FILE", "")

# --- Home care (1+N) ------------------------------------------------------------------------
HOMECARE = {
    # Routing: straight line × detour factor at this speed unless a road network is configured.
    "DETOUR_FACTOR": envfloat("HOMECARE_DETOUR_FACTOR", 1.3),
    "SPEED_KMH": envfloat("HOMECARE_SPEED_KMH", 15.0),  # e-bike in town
    "EXPLORATION_LEVEL": envint("HOMECARE_EXPLORATION_LEVEL", 2),  # VROOM's -x, 0..5
    "ROAD_NETWORK_URL": os.getenv("HOMECARE_ROAD_NETWORK_URL", ""),  # e.g. an OSRM server
    "ROAD_NETWORK_PROFILE": os.getenv("HOMECARE_ROAD_NETWORK_PROFILE", "driving"),
    # EVV: check-in further than this from the elder's home is an anomaly.
    "GEOFENCE_M": envint("HOMECARE_GEOFENCE_M", 200),
    # A visit shorter than this share of its planned minutes is an anomaly.
    "SHORT_VISIT_SHARE": envfloat("HOMECARE_SHORT_VISIT_SHARE", 0.5),
    "CODE_MINUTES": envint("HOMECARE_CODE_MINUTES", 30),  # one-time confirmation code lifetime
    "FOLLOW_UP_SHARE": envfloat("HOMECARE_FOLLOW_UP_SHARE", 0.1),  # 回访 sample
    # Co-pay the elder may be asked for above the credit, per order (fen); 0 = credit only.
    "MAX_COPAY_FEN": envint("HOMECARE_MAX_COPAY_FEN", 10_000),
    # Dashboard: a check-in up to this many minutes after the planned start is on time.
    "ON_TIME_MINUTES": envint("HOMECARE_ON_TIME_MINUTES", 15),
    # Month end: unspent service credit rolls into the next month (1) or expires (0).
    "CREDIT_ROLLOVER": envbool("HOMECARE_CREDIT_ROLLOVER", False),
}
# The family portal: show the SMS outbox (sign-in codes) on /portal/outbox/ — demo only.
PORTAL_SHOW_OUTBOX = envbool("PORTAL_SHOW_OUTBOX", DEBUG)
# Hourly limits on the portal's sign-in codes (anlao/portal/throttle.py): requests and checks
# from one address, and from all addresses together; past half its limit an address waits
# PORTAL_SLOWDOWN_SECONDS more per attempt, at most PORTAL_SLOWDOWN_MAX_SECONDS.
PORTAL_CODE_REQUESTS_PER_IP = envint("PORTAL_CODE_REQUESTS_PER_IP", 10)
PORTAL_CODE_REQUESTS_PER_HOUR = envint("PORTAL_CODE_REQUESTS_PER_HOUR", 600)
PORTAL_CODE_CHECKS_PER_IP = envint("PORTAL_CODE_CHECKS_PER_IP", 30)
PORTAL_CODE_CHECKS_PER_HOUR = envint("PORTAL_CODE_CHECKS_PER_HOUR", 2000)
PORTAL_SLOWDOWN_SECONDS = envint("PORTAL_SLOWDOWN_SECONDS", 1)
PORTAL_SLOWDOWN_MAX_SECONDS = envint("PORTAL_SLOWDOWN_MAX_SECONDS", 5)
# The care hotline shown to families (12349 is the civil-affairs elderly-care hotline in many
# cities [verify for yours]).
PORTAL_HOTLINE = os.getenv("PORTAL_HOTLINE", "12349")
ALARMS = {
    "ACK_MINUTES": envint("ALARM_ACK_MINUTES", 5),  # not acknowledged → escalate to the street
    "NO_MOVEMENT_HOURS": envint("ALARM_NO_MOVEMENT_HOURS", 12),  # elders living alone
    "HEARTBEAT_MINUTES": envint("ALARM_HEARTBEAT_MINUTES", 60),  # device silent → offline
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
