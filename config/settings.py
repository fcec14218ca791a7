"""Settings, read from the environment.

With nothing set the app runs embedded: SQLite in ``var/`` and Celery running
tasks eagerly. ``DATABASE_URL`` switches to PostgreSQL, ``CELERY_BROKER_URL`` to a
real broker (Redis), ``DJANGO_ENV=production`` to the hardened deployment mode that
passes ``manage.py check --deploy`` with no warnings.
"""
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
VAR_DIR = Path(env.str("IPDR_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789"
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "viewflow",
    "viewflow.workflow",
    "cases",
    "cases.documents",
    "cases.intake",
    "cases.adjudication",
    "cases.surveys",
    "cases.statistics",
    "cases.tribunal",
    "cases.audit",
    "mediation",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cases.upload_names.RawUploadNamesMiddleware",
    "config.errors.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cases.audit.middleware.SessionLifetimeMiddleware",
    "cases.audit.middleware.StaffOTPMiddleware",
    "cases.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections, checked before reuse: a connection the database dropped (restart,
# failover) is replaced on the next request instead of failing it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A database that does not answer fails the request in seconds (a 503), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# A streaming replica for the statistics app's reads (dashboards, reports, exports); writes stay on default.
if env.str("STATISTICS_DATABASE_URL", default=""):
    DATABASES["statistics"] = env.db_url("STATISTICS_DATABASE_URL")
    DATABASES["statistics"]["TEST"] = {"MIRROR": "default"}  # in tests the "replica" is the test database
DATABASE_ROUTERS = ["cases.statistics.routers.StatisticsReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cases.auth.PhoneOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: 5 failures lock the account+address for 30 minutes; the lockout ends.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous visitors hold no case rights

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
FORMAT_MODULE_PATH = ["config.formats"]  # dates in web pages follow the UI language (config/formats/)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from finders in development; it wants the folder
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence and generated documents: never under a URL, served only by
    # permission-checked views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Past one machine: evidence and documents in S3-compatible storage (MinIO, Ceph, COS, OSS) when a
# bucket is named; the bucket stays private and is reached only through the permission-checked views.
IPDR_PRIVATE_S3_BUCKET = env.str("IPDR_PRIVATE_S3_BUCKET", default="")
if IPDR_PRIVATE_S3_BUCKET:
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": IPDR_PRIVATE_S3_BUCKET,
            "endpoint_url": env.str("IPDR_PRIVATE_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("IPDR_PRIVATE_S3_REGION", default="") or None,
            "access_key": env.str("IPDR_PRIVATE_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("IPDR_PRIVATE_S3_SECRET_KEY", default="") or None,
            "location": env.str("IPDR_PRIVATE_S3_PREFIX", default="private"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }
# "nginx": download views answer with X-Accel-Redirect: /protected/<path> and nginx sends the file
# (deploy/nginx/ipdr.conf); empty: Django streams it (development, tests).
IPDR_PROTECTED_MEDIA = env.str("IPDR_PROTECTED_MEDIA", default="")
# bench/load.py only: mounts the bare-Django floor view at /bench/floor/.
IPDR_BENCH_URLS = env.bool("IPDR_BENCH_URLS", default=False) and not PRODUCTION

# Uploads: evidence size limit (bytes), and Django's own request limits.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Celery: eager unless a broker is named.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# A publish that cannot reach the broker fails fast; the outbox (Notification rows) keeps the work.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis: a message taken but not acknowledged (worker killed) goes back to the queue after
# ``visibility_timeout`` seconds. Shorter recovers a crash sooner; a task running longer than
# it is handed to a second worker too (every task is idempotent, so that costs work, not
# correctness). No task here runs for minutes; see docs/reliability.md.
# ``max_retries: 0`` + socket timeouts: a web request never waits on a dead broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    # How often a worker sweeps for such messages (every interval x throttle seconds: 60 s).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=6),
    "unacked_mutex_expire": env.int("CELERY_UNACKED_MUTEX_EXPIRE", default=60),
}
CELERY_BEAT_SCHEDULE = {
    "cases-flush-outbox": {"task": "cases.tasks.flush_outbox", "schedule": 60.0},
    "documents-flush-queued": {"task": "cases.documents.tasks.flush_queued_documents", "schedule": 60.0},
    "intake-lapse-overdue-supplements": {
        "task": "cases.intake.tasks.lapse_overdue_supplements",
        "schedule": 3600.0,
    },
    "audit-delete-expired-tokens": {"task": "cases.audit.tasks.delete_expired_tokens", "schedule": 3600.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "cases.audit.authentication.OTPTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Multipart keeps the evidence of a hostile upload name (cases/upload_names.py).
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
        "cases.upload_names.MultiPartParser",
    ],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "知识产权纠纷多元化解平台 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Notifications (SMS and e-mail) go through a pluggable backend; console in development.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@ipdr.example.cn")
# The folder of django's file-based e-mail backend (development, demos, the worker tests).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
SMS_BACKEND = env.str("SMS_BACKEND", default="cases.notifications.ConsoleSMSBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms.jsonl"))
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="璧山知识产权")

SESSION_COOKIE_AGE = 30 * 60  # idle timeout: 30 minutes, renewed by activity (at most once a minute: cases.sessions)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "cases.sessions"  # the renewal is one UPDATE
# Absolute lifetime: a session ends this long after the password login, however active (cases.audit).
IPDR_SESSION_ABSOLUTE_SECONDS = env.int("IPDR_SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Staff (every role but the parties) pass a TOTP step after the password (django-otp); docs/security.md.
IPDR_STAFF_OTP_REQUIRED = env.bool("IPDR_STAFF_OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="知识产权纠纷多元化解平台")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds, doubled after each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1  # the backup codes (otp_static), stored as keyed hashes (cases.audit.services)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no TOTP key or QR code in the admin, not even for sysadmins
# API tokens (/api/v1/auth/token/) end this long after they were issued, and, when set above 0, after
# this long unused; an expired token answers 401 token_expired and is deleted (docs/security.md).
IPDR_API_TOKEN_TTL_HOURS = env.int("IPDR_API_TOKEN_TTL_HOURS", default=12)
IPDR_API_TOKEN_IDLE_MINUTES = env.int("IPDR_API_TOKEN_IDLE_MINUTES", default=0)
# Security audit log (cases.audit): kept at least this long; the application never deletes it.
IPDR_AUDIT_RETENTION_DAYS = env.int("IPDR_AUDIT_RETENTION_DAYS", default=183)

# Content-Security-Policy (django-csp 4): only our own scripts, styles and images; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The district this deployment starts with (demo data, case-number prefixes).
IPDR_DEFAULT_DISTRICT = env.str("IPDR_DEFAULT_DISTRICT", default="璧山区")
IPDR_PUBLIC_BASE_URL = env.str("IPDR_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# 快调 mediation: the committee's time limits (defaults; a committee overrides them in the admin,
# "调解期限设置"). Working days skip statutory holidays; days are calendar days.
IPDR_MEDIATION_CONSENT_WORKING_DAYS = 3
IPDR_MEDIATION_ACCEPT_WORKING_DAYS = 3
IPDR_MEDIATION_LIMIT_DAYS = 30
IPDR_MEDIATION_DELEGATED_DAYS = 30
IPDR_MEDIATION_ENTRUSTED_DAYS = 15
IPDR_MEDIATION_ENTRUSTED_SIMPLE_DAYS = 7
IPDR_MEDIATION_CONFIRMATION_DAYS = 30
IPDR_MEDIATION_REMIND_DAYS_BEFORE = 1
IPDR_MEDIATION_MAX_LOAD = 8
IPDR_MEDIATION_CONFIRM_MAX_FAILURES = 5
IPDR_MEDIATION_CONFIRM_LOCK_MINUTES = 30
CELERY_BEAT_SCHEDULE["mediation-deadline-sweep"] = {
    "task": "mediation.tasks.mediation_deadline_sweep",
    "schedule": env.float("IPDR_MEDIATION_SWEEP_SECONDS", default=900.0),
}
# 精审: 移送函 of arrivals whose task a broker outage lost (cases.tribunal.tasks).
CELERY_BEAT_SCHEDULE["tribunal-transfer-letters"] = {
    "task": "cases.tribunal.tasks.transfer_letters_sweep", "schedule": 300.0,
}

# 速裁 (administrative adjudication of patent-infringement disputes): time limits, configurable.
IPDR_ADJUDICATION_REVIEW_WORKING_DAYS = env.int("IPDR_ADJUDICATION_REVIEW_WORKING_DAYS", default=5)
IPDR_ADJUDICATION_SERVE_WORKING_DAYS = env.int("IPDR_ADJUDICATION_SERVE_WORKING_DAYS", default=5)
IPDR_ADJUDICATION_ANSWER_DAYS = env.int("IPDR_ADJUDICATION_ANSWER_DAYS", default=15)
IPDR_ADJUDICATION_FORWARD_WORKING_DAYS = env.int("IPDR_ADJUDICATION_FORWARD_WORKING_DAYS", default=5)
IPDR_ADJUDICATION_HEARING_NOTICE_WORKING_DAYS = env.int("IPDR_ADJUDICATION_HEARING_NOTICE_WORKING_DAYS", default=3)
IPDR_ADJUDICATION_OPINION_WORKING_DAYS = env.int("IPDR_ADJUDICATION_OPINION_WORKING_DAYS", default=10)
IPDR_ADJUDICATION_LIMIT_MONTHS = env.int("IPDR_ADJUDICATION_LIMIT_MONTHS", default=3)
IPDR_ADJUDICATION_EXTENSION_MONTHS = env.int("IPDR_ADJUDICATION_EXTENSION_MONTHS", default=1)
# The newer rules allow up to 5 months in all: 3 + 2 extensions of 1 month.
IPDR_ADJUDICATION_MAX_EXTENSIONS = env.int("IPDR_ADJUDICATION_MAX_EXTENSIONS", default=1)
IPDR_ADJUDICATION_SUIT_DAYS = env.int("IPDR_ADJUDICATION_SUIT_DAYS", default=15)
IPDR_ADJUDICATION_FOLLOW_UP_DAYS = env.int("IPDR_ADJUDICATION_FOLLOW_UP_DAYS", default=30)
# The chain's flow for the tier, wired here so cases.adjudication never imports workflows.
IPDR_ADJUDICATION_WORKFLOW = "workflows.flows.adjudication"
CELERY_BEAT_SCHEDULE["adjudication-timers"] = {
    "task": "cases.adjudication.tasks.adjudication_timers",
    "schedule": 3600.0,
}

# Satisfaction surveys (cases.surveys) and statistics (cases.statistics).
SURVEY_REMINDER_DAYS = env.int("SURVEY_REMINDER_DAYS", default=3)
SURVEY_EXPIRY_DAYS = env.int("SURVEY_EXPIRY_DAYS", default=30)
SATISFACTION_TARGET = env.int("SATISFACTION_TARGET", default=82)  # out of 100
STATISTICS_MIN_STAFF_RESPONSES = 5  # a mediator's or officer's own score shows from this many responses
STATISTICS_STALE_MINUTES = 15  # the dashboard warns when its aggregates are older than this
# IP kinds appear as "kind" (complaints) and "ip_kind" (statistics, typical cases): one enum, one name.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["IPRightInKindEnum"] = "cases.models.IPRightKind"
CELERY_BEAT_SCHEDULE["surveys-invite-closed-cases"] = {
    "task": "cases.surveys.tasks.invite_closed_cases", "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["surveys-remind-and-expire"] = {
    "task": "cases.surveys.tasks.remind_and_expire", "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["statistics-refresh-aggregates"] = {
    "task": "cases.statistics.tasks.refresh_aggregates", "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["statistics-rebuild-nightly"] = {
    "task": "cases.statistics.tasks.refresh_aggregates", "schedule": crontab(hour=3, minute=17),
    "kwargs": {"full": True},
}
# The chain's flow for 快调, named here so the mediation app never imports workflows.
IPDR_MEDIATION_FLOW = "workflows.flows.mediation.MediationFlow"
