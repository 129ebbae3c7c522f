"""Settings for the pooling product: one module, driven by environment variables.

Nothing differs between development and production except the environment (README,
"Production"). With no environment at all the project runs on a SQLite file with Celery
tasks executed in-process, which is what the quick start uses.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from pooling.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A forgotten SECRET_KEY in production stops start-up; the quick start sets DEBUG=1.
        raise ImproperlyConfigured("Environment variable SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "pooling",
    "enrollment",
    "funds",
    "settlement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pooling.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pooling.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every page needs a login unless its view is marked login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers a login that django-axes locked (pooling.accounts.login_throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pooling.urls"
WSGI_APPLICATION = "pooling.wsgi.application"
ASGI_APPLICATION = "pooling.asgi.application"

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
                "pooling.core.navigation.navigation",
                "settlement.notifications.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when a task and a request write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Memory for sorts and hash joins of the set-based monthly statements
# (pooling.core.db.bulk_work_mem), per transaction; 0 leaves the server's work_mem. 4 MB,
# PostgreSQL's default, makes them spill to disk at city scale (2,000,000 insured people).
BULK_WORK_MEM_MB = env_int("BULK_WORK_MEM_MB", default=256)
# Uploaded tables (pooling.core.imports): a city's monthly file is a few MB and tens of
# thousands of rows; beyond these limits a file is refused before it is read, so one upload
# cannot hold a worker's memory. The error report lists the first IMPORT_MAX_ERRORS errors and
# counts the rest.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", default=200_000)
IMPORT_MAX_ERRORS = env_int("IMPORT_MAX_ERRORS", default=1000)
# Request bodies other than files stay at Django's 2.5 MB; a file above 2.5 MB is spooled to a
# temporary file instead of memory while it is received.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "pooling.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Failed-login throttle of every authentication path (page, /admin/login/, /api/auth/token/):
# django-axes hooks authenticate() (pooling.accounts.login_throttle). This many failures per
# window lock the pair of username and client address until the window passes.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
# Behind the HTTPS proxy: the request header (Django META name, e.g. HTTP_X_FORWARDED_FOR or
# HTTP_X_REAL_IP) in which the trusted proxy reports the client's address, and how many
# trusted proxies append to it. Empty: REMOTE_ADDR.
LOGIN_CLIENT_IP_HEADER = env_str("LOGIN_CLIENT_IP_HEADER", default="")
LOGIN_TRUSTED_PROXY_COUNT = env_int("LOGIN_TRUSTED_PROXY_COUNT", default=1)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = "pooling.accounts.login_throttle.failure_limit"
AXES_COOLOFF_TIME = "pooling.accounts.login_throttle.cool_off"
AXES_CLIENT_IP_CALLABLE = "pooling.accounts.login_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "pooling.accounts.login_throttle.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Failed attempts are kept (the platform operator unlocks with `manage.py axes_reset_username`);
# successful logins are not logged twice (the session is the record).
AXES_DISABLE_ACCESS_LOG = True
# Every ModelAdmin is scoped to a municipality (pooling.core.admin); axes' own admin is not.
AXES_ENABLE_ADMIN = False
# No start-up banner on every command; lockouts are still logged.
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

REDIS_URL = env_str("REDIS_URL", default="")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="pooling@localhost")

# Celery: with no broker configured, tasks run in-process (quick start and most tests).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Schedules defined here are written into django-celery-beat's tables when beat starts; the
# others are created by data migrations. Every morning: fund risk alerts (early warning).
CELERY_BEAT_SCHEDULE = {
    "settlement-risk-alerts": {
        "task": "settlement.tasks.risk_alerts_check_task",
        "schedule": crontab(minute="30", hour="7"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Default deny: an endpoint opens only through its own role permission.
    "DEFAULT_PERMISSION_CLASSES": ["pooling.core.permissions.RolePermission"],
    # A service's ValidationError is a 400 with field errors; no endpoint converts it itself.
    "EXCEPTION_HANDLER": "pooling.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Municipal pooling API (市级统筹)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs describe every endpoint: for signed-in users only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so the schema's enums stay stable as apps add fields.
    "ENUM_NAME_OVERRIDES": {
        "PoolingModelEnum": "pooling.models.PoolingModel",
        "ResidentCategoryEnum": "enrollment.residents.models.ResidentCategory",
        "ResidentPayerEnum": "enrollment.residents.models.Payer",
        "AssistedGroupEnum": "enrollment.residents.models.AssistedGroup",
        "SubsidyLevelEnum": "funds.residents.models.SubsidyLevel",
        "RoleEnum": "pooling.models.Role",
        "SchemeEnum": "enrollment.models.Scheme",
        "ScopeEnum": "enrollment.models.Scope",
        "DecisionStatusEnum": "enrollment.models.DecisionStatus",
        "BudgetLineCodeEnum": "funds.models.BudgetLineCode",
        "StepNameEnum": "settlement.models.StepName",
        "PlanPurposeEnum": "settlement.models.PlanPurpose",
        "PlanStepNameEnum": "settlement.models.PlanStepName",
        "MedicalTypeEnum": "settlement.benefits.standards.models.MedicalType",
        "ReferralEnum": "settlement.benefits.standards.models.Referral",
        "EmployerUnitTypeEnum": "enrollment.models.Employer.UnitType",
        "EmployerStatusEnum": "enrollment.models.Employer.Status",
        "InsuredPersonStatusEnum": "enrollment.models.InsuredPerson.Status",
        "InsuredPersonSexEnum": "enrollment.models.InsuredPerson.Sex",
        "CollectionBatchStatusEnum": "enrollment.models.CollectionBatch.Status",
        "CollectionRowOutcomeEnum": "enrollment.models.CollectionRow.Outcome",
        "PersonalAccountMovementReasonEnum": "enrollment.models.PersonalAccountMovement.Reason",
        "DesignatedInstitutionKindEnum": "settlement.models.DesignatedInstitution.Kind",
        "DesignatedInstitutionLevelEnum": "settlement.models.DesignatedInstitution.Level",
        "DesignatedInstitutionStatusEnum": "settlement.models.DesignatedInstitution.Status",
        "InstitutionReviewKindEnum": "settlement.models.InstitutionReview.Kind",
        "InstitutionReviewResultEnum": "settlement.models.InstitutionReview.Result",
        "OutOfAreaFilingKindEnum": "enrollment.models.OutOfAreaFiling.Kind",
        "AccountOwnerEnum": "funds.models.Account.Owner",
        "AccountKindEnum": "funds.models.Account.Kind",
        "JournalEntryKindEnum": "funds.models.JournalEntry.Kind",
        "FundBudgetStatusEnum": "funds.models.FundBudget.Status",
        "BenefitStatementStatusEnum": "settlement.models.BenefitStatement.Status",
        "ApplicationStatusEnum": "funds.models.ApplicationStatus",
        "MonthlyCycleStatusEnum": "settlement.models.MonthlyCycle.Status",
        "CycleStepStatusEnum": "settlement.models.CycleStep.Status",
        "RemittanceLineStageEnum": "settlement.models.RemittanceLine.Stage",
        "AnnualPlanStatusEnum": "settlement.models.AnnualPlan.Status",
        "CityMonthlyPlanStatusEnum": "settlement.models.CityMonthlyPlan.Status",
        "UsagePlanStatusEnum": "settlement.models.UsagePlan.Status",
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
}
