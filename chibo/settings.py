"""Chibo's one settings module: every deploy-time value comes from an environment variable."""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    # A misspelt value (DEBUG=ture) stops the start rather than silently meaning "off".
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={value!r} không hợp lệ: dùng 1/0, true/false, yes/no hoặc on/off."
        )
    return word in _TRUE


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"Biến môi trường {name}={value!r} không hợp lệ: phải là một số nguyên."
        ) from None


DATA_DIR = Path(env_str("CHIBO_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    # Generated once and kept beside the data, so sessions survive restarts without configuration.
    key = env_str("SECRET_KEY")
    if key:
        return key
    # A server database is shared by several app processes and machines (README, production): each would
    # generate its own key here and refuse the others' sessions, reset links and address hashes. So on a
    # server database (DATABASE_URL not SQLite) only development (DEBUG=1) may go without the variable.
    url = env_str("DATABASE_URL").strip()
    if url and not url.startswith("sqlite") and not env_bool("DEBUG", False):
        raise ImproperlyConfigured(
            "Biến môi trường SECRET_KEY chưa được đặt. Với cơ sở dữ liệu máy chủ (DATABASE_URL), mọi tiến "
            "trình web và tiến trình nền phải dùng chung một khóa bí mật: khóa tự sinh riêng trên từng máy "
            "làm mất phiên đăng nhập khi yêu cầu sang máy khác. Tạo một khóa bằng lệnh python3 -c "
            "'import secrets; print(secrets.token_urlsafe(50))' và đặt cùng một giá trị SECRET_KEY cho mọi máy."
        )
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env_str("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
# The public address used in e-mailed links (jobs have no request to take it from), e.g. https://chibo.example.vn
SITE_URL = env_str("SITE_URL").rstrip("/")
# Behind our own reverse proxy that sets X-Forwarded-For: the portal's rate limits count that address.
CHIBO_TRUSTED_PROXY = env_bool("CHIBO_TRUSTED_PROXY", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "ninja",  # serves Swagger UI's files locally instead of from a CDN
    "django_htmx",
    "csp",  # its system checks refuse the old CSP_* settings
    # Before django_tasks_db: its `db_worker` command is replaced by ours (chibo/common/management).
    "chibo.common",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "chibo.orgs",
    "chibo.members",
    "chibo.notices",
    "chibo.meetings",
    "chibo.resolutions",
    "chibo.materials",
    "chibo.training",
    "chibo.supervision",
    "chibo.portal",
    "chibo.reporting",
    "chibo.audit",
    "chibo.api",
    "chibo.dataio",
    "chibo.accounts",
    "chibo.security",
    "chibo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "chibo.common.http.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chibo.security.middleware.SessionGuardMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "chibo.security.backends.LoginGuardBackend",
    "chibo.accounts.backends.LoginBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

ROOT_URLCONF = "chibo.urls"
WSGI_APPLICATION = "chibo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chibo.orgs.context_processors.navigation",
                "chibo.notices.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'chibo.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the demo's web process and the background worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No web query is JIT-compiled: PostgreSQL compiles any plan above jit_above_cost, which costs
    # hundreds of milliseconds per call on queries that run in a few (a roster at city size), and a
    # request runs none of the long analytical queries JIT pays off on. The background worker's
    # connections (fact rebuilds) get the same setting.
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "options": "-c jit=off"}
    # Persistent connections (one per thread under gunicorn's gthread workers) are checked before reuse.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Scale out (issue 14 §4): a streaming replica for the reporting pages ---------------------------------
# DATABASE_REPLICA_URL names a hot standby of the primary (pg_basebackup -R); dashboards and "what to fix"
# read it, everything else (and every write) uses the primary: chibo/common/replica.py. Unset: one database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL").strip()
if DATABASE_REPLICA_URL:
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or _replica["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise ImproperlyConfigured(
            "Biến môi trường DATABASE_REPLICA_URL chỉ dùng được khi DATABASE_URL và DATABASE_REPLICA_URL "
            "đều là PostgreSQL (postgres://…): bản sao là một máy chủ dự phòng nhận dòng WAL của máy chính."
        )
    from psycopg import IsolationLevel

    _replica["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **_replica.get("OPTIONS", {}),
        # One snapshot per page: the figures and the time they were computed at are read together.
        "isolation_level": IsolationLevel.REPEATABLE_READ,
    }
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["chibo.common.replica.ReplicaRouter"]
# Nothing shared between app processes lives in Django's cache (per process, in memory): sessions are in
# the database, so are login lockouts (django-axes' database handler), the portal's rate limits and the
# second factor's throttling. tests/scale/test_shared_state.py keeps it so.
# --- end scale out ------------------------------------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Logins (issue 11 §3). django-axes counts failures per login name and per address: the account is
# locked after CHIBO_LOGIN_FAILURE_LIMIT failures, the address after CHIBO_LOGIN_IP_FAILURE_LIMIT, for
# CHIBO_LOGIN_LOCKOUT_MINUTES after the last failure (chibo/security/lockout.py applies the two limits).
CHIBO_LOGIN_FAILURE_LIMIT = env_int("CHIBO_LOGIN_FAILURE_LIMIT", 5)
CHIBO_LOGIN_IP_FAILURE_LIMIT = env_int("CHIBO_LOGIN_IP_FAILURE_LIMIT", 20)
CHIBO_LOGIN_LOCKOUT_MINUTES = env_int("CHIBO_LOGIN_LOCKOUT_MINUTES", 15)
AXES_HANDLER = "chibo.security.lockout.LoginGuardHandler"
AXES_FAILURE_LIMIT = "chibo.security.lockout.failure_limit"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = "chibo.security.lockout.cool_off"
AXES_LOCKOUT_CALLABLE = "chibo.security.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "chibo.security.lockout.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# Staff, supervisors and administrators must pass a second factor (TOTP or a recovery code).
CHIBO_REQUIRE_2FA = env_bool("CHIBO_REQUIRE_2FA", True)
# A session with no request for this long ends (checked by chibo.security.middleware).
CHIBO_SESSION_IDLE_MINUTES = env_int("CHIBO_SESSION_IDLE_MINUTES", 30)
OTP_TOTP_ISSUER = "Chibo"
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chibo.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
# chibo/ itself is not an app, so its static/ folder must be named for finders and collectstatic.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Uploaded and generated files hold personal data (Decree 13/2023): readable by the server's account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chibo@localhost")

# SMS to members (chibo.notices.sms; docs/notices.md): "console" prints, "http" posts to a gateway.
CHIBO_SMS: dict[str, Any] = {
    "BACKEND": env_str("CHIBO_SMS_BACKEND", "console"),
    "URL": env_str("CHIBO_SMS_URL"),
    "API_KEY": env_str("CHIBO_SMS_API_KEY"),
    "SECRET": env_str("CHIBO_SMS_SECRET"),
    "SENDER": env_str("CHIBO_SMS_SENDER", "CHIBO"),
    # False for a gateway or brandname without Unicode: texts go without diacritics.
    "UNICODE": env_bool("CHIBO_SMS_UNICODE", True),
    "TIMEOUT": env_int("CHIBO_SMS_TIMEOUT", 10),
    # At most this many SMS a day (the gateway's bill); the rest wait for the next day.
    "DAILY_CAP": env_int("CHIBO_SMS_DAILY_CAP", 5000),
    # The gateway's delivery reports are accepted at /thong-bao/sms/bao-nhan/?khoa=<this>; empty: refused.
    "REPORT_KEY": env_str("CHIBO_SMS_REPORT_KEY"),
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Imports above this many rows are checked and written by the background worker.
CHIBO_IMPORT_BACKGROUND_ROWS = env_int("CHIBO_IMPORT_BACKGROUND_ROWS", 2000)
# Limits on an import file, checked before it is parsed: a 1 MB workbook can inflate to gigabytes of XML.
# The upload limit is the web form's; the unzipped size and the row count apply to `chibo import-data` too.
CHIBO_IMPORT_MAX_UPLOAD_MB = env_int("CHIBO_IMPORT_MAX_UPLOAD_MB", 50)
CHIBO_IMPORT_MAX_UNZIPPED_MB = env_int("CHIBO_IMPORT_MAX_UNZIPPED_MB", 400)
CHIBO_IMPORT_MAX_ROWS = env_int("CHIBO_IMPORT_MAX_ROWS", 1_000_000)
# On SQLite one import's write holds the only write lock: bigger files need PostgreSQL (or splitting).
CHIBO_SQLITE_IMPORT_MAX_ROWS = env_int("CHIBO_SQLITE_IMPORT_MAX_ROWS", 50_000)
# Stored import files that were refused, failed or never confirmed are deleted after this many hours
# by `chibo imports-cleanup` (they hold personal data).
CHIBO_IMPORT_FILES_KEEP_HOURS = env_int("CHIBO_IMPORT_FILES_KEEP_HOURS", 72)
# Imports changing more rows than this get one audit entry for the whole file, not one per row.
CHIBO_IMPORT_AUDIT_ROWS_MAX = env_int("CHIBO_IMPORT_AUDIT_ROWS_MAX", 50000)
CHIBO_PAGE_SIZE = 50
# An import or report job still waiting or running after this many minutes is shown as interrupted (the
# worker stopped mid-way); report files older than this many days are removed by `chibo reports-cleanup`.
CHIBO_JOB_TIMEOUT_MINUTES = env_int("CHIBO_JOB_TIMEOUT_MINUTES", 30)
# Called by every background worker each few seconds with the live workers (chibo.common.workers):
# jobs of a worker that died are shown as interrupted.
CHIBO_WORKER_SWEEPS = ["chibo.dataio.services.import_jobs_interrupted"]
CHIBO_REPORT_FILES_KEEP_DAYS = env_int("CHIBO_REPORT_FILES_KEEP_DAYS", 30)
# T6: a leader's party-work training counts for this many months (DOMAIN §8, default 30).
CHIBO_TRAINING_VALID_MONTHS = env_int("CHIBO_TRAINING_VALID_MONTHS", 30)
# Activation and reset codes printed on slips stay valid this many days.
CHIBO_ACTIVATION_DAYS = env_int("CHIBO_ACTIVATION_DAYS", 14)
# Slips one web or API request prints (WeasyPrint: ~40 s for 1,200, past the worker timeout); the CLI has no cap.
CHIBO_SLIPS_WEB_MAX = env_int("CHIBO_SLIPS_WEB_MAX", 200)
# A meeting started before its scheduled day is moved to the day it started (with a note) when it starts at
# most this many hours early, and refused when earlier (docs/meetings.md). 0: never before the day.
CHIBO_MEETING_EARLY_HOURS = env_int("CHIBO_MEETING_EARLY_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# --- HTTPS (issue 15 §4): CHIBO_HTTPS=1 when the site is served over TLS (by Chibo's proxy) -------------------
CHIBO_HTTPS = env_bool("CHIBO_HTTPS", False)
if CHIBO_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("CHIBO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("CHIBO_HSTS_SECONDS", 31536000)
    # HSTS covers the names under Chibo's own host (chibo.example.vn covers *.chibo.example.vn, not its
    # siblings); switch off when Chibo is served at a domain's apex that has plain-HTTP subdomains.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHIBO_HSTS_INCLUDE_SUBDOMAINS", True)
    # Only a signal: nothing is preloaded until the domain's owner submits it to hstspreload.org.
    SECURE_HSTS_PRELOAD = env_bool("CHIBO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if CHIBO_TRUSTED_PROXY:
    # Our proxy terminates TLS and says so; it must set (not pass on) X-Forwarded-Proto, like X-Forwarded-For.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp 4): our own files only --------------------------------------------
# No template has inline script, style or on* handlers (tests/web/test_csp.py keeps it so), and htmx's own
# indicator <style> is switched off in base.html (htmx-config), its rules live in chibo.css. img-src allows
# data: for the icons Swagger UI draws inline. CHIBO_CSP_REPORT_ONLY=1 only reports (to try a new proxy or
# page before enforcing); CHIBO_CSP_REPORT_URI collects the browsers' reports.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
if env_str("CHIBO_CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [env_str("CHIBO_CSP_REPORT_URI")]
if env_bool("CHIBO_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
