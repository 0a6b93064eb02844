"""The only settings file: everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production must set SECRET_KEY (no default); the development key only exists with DEBUG on.
# Command-line use (imports, stats) needs no key, so an empty one is allowed until a request.
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",  # authenticator apps (TOTP), for staff two-factor sign-in
    "django_otp.plugins.otp_static",  # single-use recovery codes
    "django_htmx",
    "django_tasks_db",
    "crontask",
    "rollbook.core",
    "rollbook.pupils",
    "rollbook.registers",
    "rollbook.absences",
    "rollbook.policy",
    "rollbook.comms",
    "rollbook.leave",
    "rollbook.casework",
    "rollbook.rewards",
    "rollbook.reports",
    "rollbook.demo",
    "rollbook.api",
    "rollbook.letters",
    "rollbook.penalties",
    "rollbook.referrals",
    "rollbook.privacy",
    "rollbook.accounts",
    "rollbook.portal",
    "rollbook.admissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "rollbook.core.access.RequestScopeMiddleware",  # the user's roles: one query per request
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): passed the code step
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rollbook.accounts.middleware.TwoFactorMiddleware",  # after HtmxMiddleware: HX-Redirect
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page
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
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rollbook.core.context_processors.school",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'rollbook.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # healthchecks' SQLite defaults: wait for locks instead of failing, and take the write
    # lock at BEGIN so concurrent writers queue rather than deadlock on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Keep database connections between requests (with a health check before reuse): measured in
# bench/register_peak.py, it cut PostgreSQL CPU per register save from 21.9 to 8.6 ms and raised
# throughput by 46 %. A `conn_max_age` in DATABASE_URL wins; CONN_MAX_AGE=0 turns it off.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Uploads: request bodies (form fields, API JSON) and uploaded files are size-limited.
# Django counts only non-file fields against DATA_UPLOAD_MAX_MEMORY_SIZE; each upload form
# checks the file itself against ROLLBOOK_UPLOAD_MAX_BYTES (rollbook/privacy/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to a temporary file
ROLLBOOK_UPLOAD_MAX_BYTES = env.int("ROLLBOOK_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# Uploads (parents' evidence for absences and leave): private. No URL serves this folder;
# staff download a file only through a view that checks their role (as an attachment).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "private")

# --- Security: safe production defaults; DEBUG relaxes only what plain-HTTP development needs.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_AGE = 8 * 60 * 60  # a staff working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain to HTTPS: the domain owner's choice, not ours.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    # Only behind a proxy that sets this header itself (and strips any the client sent).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline scripts or styles: the two inline scripts in base.html carry the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Sign-in throttling (django-axes): five failures for one username from one address lock
# that pair out for 15 minutes; the locked-out page is a 429.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged as warnings; no start-up banner in every command
# Behind a reverse proxy, name the header it sets (e.g. HTTP_X_FORWARDED_FOR), or every
# request comes from the proxy's address.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])

# Staff two-factor sign-in (rollbook.accounts): the roles that must use an authenticator app,
# by default everyone who can open pupil-level special-category data (SEN, safeguarding).
# A user holding any of these roles (at any school; a superuser counts as admin) is sent to
# enrol before anything else. Anyone who has enrolled is asked for a code at every sign-in.
# With DEBUG on (make run, the demo school's logins) nobody is required to, unless set here.
TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES",
    default=[] if DEBUG else ["head", "dsl", "attendance_lead", "office", "admin", "senco"],
)
OTP_TOTP_ISSUER = "Rollbook"
# A wrong code makes the device wait 1, 2, 4, 8 ... seconds before the next one is checked.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the Django admin never shows keys or recovery codes

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
        )
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"svg_styles": {"()": "rollbook.core.logs.DropSvgStyleWarnings"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"filters": ["svg_styles"]},
        "weasyprint.progress": {"level": "WARNING"},  # "Step 5 - Creating layout" per PDF
    },
}

# --- Messages to families (rollbook.comms): "console" logs them (make run), "notify" sends
# through GOV.UK Notify, "smtp" sends email through Django mail; tests use "fake".
COMMS_CHANNEL = env.str("COMMS_CHANNEL", default="console")
# The bearer token GOV.UK Notify sends with delivery receipts (/outbox/receipts/notify/).
# Empty: every receipt is refused (401), so receipts are off until it is set.
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
if COMMS_CHANNEL == "notify":
    NOTIFY_API_KEY = env.str("NOTIFY_API_KEY")  # required: no default, never in the repo
    # Notify templates holding only ((body)) (SMS) and ((subject)) / ((body)) (email).
    NOTIFY_SMS_TEMPLATE_ID = env.str("NOTIFY_SMS_TEMPLATE_ID")
    NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
