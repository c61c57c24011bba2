"""Pinpoint settings: one file, driven by environment variables (see .env.example)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets type-annotated generics such as ModelForm[Patient] run, not just type-check.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Like healthchecks, DEBUG defaults on so a fresh checkout runs; production sets DEBUG=0 and
# must then provide its own SECRET_KEY.
DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-pinpoint-development-only"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Trusted reverse proxies in front of the app (TLS termination, load balancing). Each must append to
# X-Forwarded-For, and the nearest must overwrite X-Forwarded-Proto: the scheme is read from the one (without it
# every request looks like plain HTTP and is redirected forever), the client's address for the access log and
# the login lockout from the other (`clinic.access.client_ip`). Never set it where clients reach the app directly.
PROXY_COUNT = envint("PROXY_COUNT", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    # Two-step login: authenticator apps (TOTP) and one-time recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "clinic",
    "patients",
    "procedures",
    "scheduling",
    "outcomes",
    # Prior authorizations: what the payers approved in advance, on the procedures and the schedule below.
    "authorizations",
    # Spinal cord stimulator and intrathecal pump pathways: trial, decision, implant, reprogramming and refills.
    "implants",
    # What the clinic exchanges with other systems, each on the apps below and none on another: the REST API,
    # FHIR R4, and the import of an existing procedure log.
    "api",
    "fhir_r4",
    "imports",
    # What the clinic prints: the signed procedure note and the day sheet, as PDF.
    "paper",
    # Scale data and the page benchmark: the top layer, importing every app and imported by none.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, early responses of the middleware below included.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads which authenticator, if any, verified this session (`request.user.is_verified()`).
    "django_otp.middleware.OTPMiddleware",
    # Every page is private unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A password an administrator set is replaced before any other page (clinic/passwords.py).
    "clinic.passwords.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs a session out after SESSION_IDLE_MINUTES without a request (after messages, so it can say why).
    "clinic.idle.IdleTimeoutMiddleware",
    # A tablet handed to a patient at check-in reaches nothing but its questionnaire until unlocked (clinic/kiosk.py).
    "clinic.kiosk.KioskLockMiddleware",
    # Pages for a logged-in user hold patient data: no browser or proxy keeps a copy.
    "clinic.headers.NoStoreMiddleware",
    # After messages: a query parameter holding NUL is dropped with a message before any view reads it.
    "clinic.middleware.DropUnstorableQueryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A logged-in user who owes a second step (a code, or setting up an authenticator) reaches nothing else.
    "clinic.mfa.middleware.TwoStepMiddleware",
    # Stamps the logged-in user on every audit-history row written during the request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes recommends being last so it sees the outcome of the login attempt.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves the collected, fingerprinted files itself; in development runserver does.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"
ASGI_APPLICATION = "clinic.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "clinic.context_processors.perms",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.roles",
                "clinic.context_processors.nav",
                "clinic.context_processors.idle",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: IMMEDIATE transactions take the write lock at BEGIN, so two bookings
    # of one slot run one after the other and the second sees the first. Wait for the lock, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # Tests use a file, like production: in-memory SQLite shares one cache across threads and reports
    # "table is locked" at once instead of waiting, so concurrent bookings could not be tested there.
    # One file per test process, so two suites running at once never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"pinpoint-test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with permissions and roles read in one query a request.
    "clinic.auth.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Twelve characters: short passwords such as "Summer2026" fall to guessing whatever they mix.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "clinic.passwords.PredictablePasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A shared workstation at the front desk: a session ends after a quarter of an hour without a request
# (clinic/idle.py), when the browser closes, and in any case after a working day.
SESSION_ENGINE = "clinic.sessions"  # the database store, read in one plain statement
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 15)
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 10 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True

# Production is HTTPS only: redirect plain HTTP and tell browsers never to try it again (HSTS, a year).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts and styles come from our own static files only: no inline script, no inline event handler,
# no eval (htmx's is switched off in base.html). Inline style *attributes* are allowed: the schedule's grid
# places each visit with a computed style, and a style attribute cannot run code. Bootstrap's CSS draws
# its form icons from data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Lock a username out (from the address it was tried from) after repeated failures, and an address
# out after more failures across any usernames (one guesser trying many accounts). The address limit is
# higher because a clinic's workstations often share one public address. clinic/lockout.py applies both.
AXES_HANDLER = "clinic.lockout.ClinicLockoutHandler"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "clinic.access.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-step login. Roles that must set up an authenticator app before using anything (Role names, as in
# clinic/roles.py: front_desk, nurse, physician, administrator), or "all" for every account. Anyone may set one
# up; a user who has one is always asked for a code.
MFA_REQUIRED_ROLES = envlist("MFA_REQUIRED_ROLES", "physician,administrator")
# The name the authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("MFA_ISSUER", "Pinpoint")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Axes logs every successful login at INFO, WeasyPrint each step of every PDF; their warnings still show.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# The REST API (api/) and the FHIR endpoints (fhir_r4/) run on Django REST Framework: the browser's session (with its
# CSRF check) and integration users' tokens. Access is the role matrix's (clinic.roles), checked per view.
REST_FRAMEWORK = {
    # Tokens first: their challenge makes a request without credentials a 401. Token requests carry no cookie and
    # skip CSRF; the browser's session keeps its CSRF check (clinic/tokens.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["clinic.rest.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "clinic.rest.Pages",
    "EXCEPTION_HANDLER": "clinic.rest.exception_handler",
    # drf-spectacular's, with the one error shape documented on every operation.
    "DEFAULT_SCHEMA_CLASS": "api.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Messages to patients (outcomes/links.py): follow-up questionnaire links by email and text message.
# Email goes through Django's email framework: the console by default (development), SMTP with EMAIL_HOST and its
# companions, or a provider through django-anymail (EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend, with
# its settings as ANYMAIL_<NAME> variables, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pinpoint <no-reply@localhost>")
ANYMAIL = {name.removeprefix("ANYMAIL_"): value for name, value in os.environ.items() if name.startswith("ANYMAIL_")}
# Text messages go through a small pluggable backend (clinic/sms.py): the console by default, or a class of
# the clinic's own for its SMS provider.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "clinic.sms.ConsoleBackend")
# The address patients open their links at: the app as the internet sees it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A questionnaire link works this many days after it is sent, once; one reminder goes out this many days
# after the first message if it is still unanswered.
FOLLOW_UP_LINK_DAYS = envint("FOLLOW_UP_LINK_DAYS", 7)
FOLLOW_UP_REMINDER_DAYS = envint("FOLLOW_UP_REMINDER_DAYS", 3)

# Bulk FHIR exports (fhir_r4/export.py) write their NDJSON files here, one folder per export; every server process
# must see the same directory. Kept out of the repository (.gitignore: var/).
FHIR_EXPORT_DIR = Path(os.environ.get("FHIR_EXPORT_DIR", BASE_DIR / "var" / "fhir-export"))
# The letterhead of printed notes and day sheets (paper/).
CLINIC_NAME = os.environ.get("CLINIC_NAME", "Pinpoint Pain Clinic")
CLINIC_ADDRESS = os.environ.get("CLINIC_ADDRESS", "")
CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "")
SPECTACULAR_SETTINGS = {
    "TITLE": "Pinpoint API",
    "DESCRIPTION": "Patients, procedures and their limit checks, appointments, follow-ups and outcomes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is read by the signed-in staff (the docs page) and by tokens, not by anonymous visitors.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Operations are grouped by what follows /api/v1/: patients, procedures, limits, appointments, …
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The docs page's Swagger UI and Redoc come from the installed sidecar's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # A procedure's side and a visit's planned side are one choice set: one name in the schema.
    "ENUM_NAME_OVERRIDES": {"SideEnum": "procedures.models.records.Side"},
}
