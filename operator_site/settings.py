"""
Settings for the trek operator's site: one file, configured from environment variables.

Everything that differs between a laptop and production is read through the small `env_*`
helpers below, which raise ImproperlyConfigured naming the variable when a value is bad, so a
typo fails at start instead of quietly running with a default. README.md lists every variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name, default, *, minimum=None, maximum=None):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}; got {value}")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_addresses(name):
    """ "Ana Quispe <ana@example.com>, ops@example.com" -> [("Ana Quispe", "ana@example.com"),
    ("", "ops@example.com")]; a value that is not such a list stops the start."""
    from email.utils import getaddresses

    from django.core.validators import validate_email

    raw = env_str(name)
    if not raw:
        return []
    parts = [part.strip() for part in raw.split(",")]
    addresses = getaddresses(parts)
    if len(addresses) != len(parts):
        raise ImproperlyConfigured(f"{name} must look like 'Name <e-mail>, ...'; got {raw!r}")
    for part, (_name, address) in zip(parts, addresses, strict=True):
        try:
            validate_email(address)
        except Exception:
            raise ImproperlyConfigured(
                f"{name} must look like 'Name <e-mail>, ...'; {part!r} is not an address"
            ) from None
    return addresses


# --- Mode and secrets -------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off the site refuses to start without "
            "a secret key: `make run` generates one into var/secret_key; in production set "
            "DJANGO_SECRET_KEY to a long random string."
        )
    # Development only (DJANGO_DEBUG=1): a key that is useless anywhere else.
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105
elif SECRET_KEY.startswith("django-insecure") and not DEBUG:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is a development key; set a real random secret.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# /healthz answers 503 when the data folder has less free space than this (MB): the database
# and uploads would start failing soon after.
DATA_DIR_MIN_FREE_MB = env_int("DATA_DIR_MIN_FREE_MB", 200, minimum=0, maximum=1024 * 1024)

# Where the SQLite database, uploaded media, collected static files and the generated secret
# key live on a single-server install. Git ignores var/.
DATA_DIR = Path(env_str("DATA_DIR") or BASE_DIR / "var").resolve()

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    # Before admin, as django-modeltranslation asks: it patches the models' translated fields.
    "modeltranslation",
    # Django's admin with staff's second factor (operator_site/second_factor.py).
    "operator_site.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Old addresses (the operator's current site) answered with a 301 staff set in admin; the
    # redirects app keeps them per site, hence the sites app (one site, SITE_ID).
    "django.contrib.sites",
    "django.contrib.redirects",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "operator_site",
    "treks",
    "inquiries",
    "blog",
    "reviews",
    "desk",
    "bookings",
    "outbox",
    # After bookings: its admin adds the booking's messages to the booking's page.
    "trip_messages",
    "pages",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise so that static files get the same headers as pages.
    "operator_site.middleware.SecurityHeadersMiddleware",
    # Before anything reads the query string: PostgreSQL refuses text with NUL in it.
    "operator_site.middleware.RefuseNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves its own pre-compressed static files: this compresses pages.
    # BREACH: Django masks the CSRF token per response and pads compressed bodies at random.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Counts the 404s left after the redirects below, before CommonMiddleware adds a slash.
    "operator_site.notfound.NotFoundMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Knows who is staff, reads public bodies before CSRF does: see operator_site/limits.py.
    "operator_site.limits.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A 404 whose address staff redirected in admin becomes that 301.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "operator_site.urls"
SITE_ID = 1
WSGI_APPLICATION = "operator_site.wsgi.application"

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
                "operator_site.context_processors.operator",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

# SQLite on one machine (`make run`); DATABASE_URL (postgres://user:password@host:5432/name)
# moves the site to PostgreSQL, shared by several app servers.
SQLITE_OPTIONS = {
    # Writers take the lock when their transaction starts instead of failing half-way with
    # "database is locked"; WAL lets readers go on while one writer writes; a writer waits up
    # to 20 s for the lock (Python's sqlite3 `timeout` is SQLite's busy timeout).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0, maximum=3600)
if DATABASE_URL:
    try:
        _database = dj_database_url.parse(
            DATABASE_URL,
            # Keep connections between requests, and check them before reuse so that a
            # restarted PostgreSQL costs one reconnect instead of one failed request.
            conn_max_age=DATABASE_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    except Exception as error:  # dj-database-url raises several kinds; all mean "bad URL".
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
    if _database["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// (or sqlite://) URL; got the scheme "
            f"{urlsplit(DATABASE_URL).scheme!r}"
        )
    if not _database["NAME"]:
        raise ImproperlyConfigured("DATABASE_URL names no database (postgres://host:5432/NAME)")
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {})["connect_timeout"] = 5
        # No JIT: PostgreSQL compiles a query when its estimated cost is high, and a trek page's
        # counts (a GROUP BY over the trek's wide row) are estimated high on small tables with
        # no statistics yet: 4 s of compiling for a query that runs in a millisecond. JIT pays
        # for long analytical queries, which this site does not run.
        _database["OPTIONS"]["options"] = "-c jit=off"
        # The test database keeps the production name as its prefix (prod_x -> prod_x_test),
        # so that teams sharing one server can tell theirs apart.
        _database["TEST"] = {"NAME": f"{_database['NAME']}_test"}
    else:
        _database["OPTIONS"] = SQLITE_OPTIONS
    DATABASES = {"default": _database}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
            # Opening a SQLite connection (and setting WAL on it) costs about a millisecond:
            # most of what /healthz does. Each gunicorn worker keeps its own; none is shared
            # across the fork (gunicorn.conf.py closes the master's before forking).
            "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
            # Tests use a file too, not SQLite's shared in-memory database: that one locks
            # whole tables and ignores the busy timeout, so it cannot stand in for production
            # when several connections write at once.
            "TEST": {"NAME": str(DATA_DIR / "test-db.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Files under DATA_DIR on one machine; REDIS_URL (redis://127.0.0.1:6379/0) shares the cache,
# the rate limits and the sessions between app servers. Redis is a help, not a need: when it is
# down the cache misses (django-redis, IGNORE_EXCEPTIONS), sessions fall back to the database, and
# /healthz says so.
REDIS_URL = env_str("REDIS_URL")
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX")
if REDIS_URL:
    if urlsplit(REDIS_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}"
        )
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                # Fail open: with Redis away a read misses and a write is dropped.
                "IGNORE_EXCEPTIONS": True,
                # ...and this process leaves it alone for a few seconds (operator_site/cache.py).
                "REDIS_CLIENT_CLASS": "operator_site.cache.PausingRedis",
                # A Redis that does not answer must not hold a request for long.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    # Sessions read from Redis, written through to the database: no session is lost when Redis
    # restarts, and every app server sees every session.
    SESSION_ENGINE = "operator_site.sessions"
else:
    # Files under DATA_DIR, not local memory: every gunicorn worker of `make run` must see the
    # same entries, or an admin save seen by one worker would leave the others serving stale
    # trek pages for up to pagecache.VERSION_TIMEOUT (its copy of the content version).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Past this Django deletes a third of the files at random: keep it well above what
            # the site stores (a few hundred pages), so the catalogue version survives.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Fragments that are a pure function of their key (the fresh request form's fields, see
# inquiries/_form.html): each process keeps its own, as nothing in them is another worker's
# business and rebuilding one costs a render. Not for anything a change must invalidate.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 200},
}

# --- Accounts ---------------------------------------------------------------------------------

# django-axes counts failed staff logins in the database, which every app server shares, and
# locks out one user name from one address after a few failures.
AUTHENTICATION_BACKENDS = [
    "operator_site.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The only login is admin's: where a ?next= it refuses (//elsewhere) leaves it, the admin index
# (Django's default, /accounts/profile/, is no page here).
LOGIN_REDIRECT_URL = "admin:index"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address behind TRUSTED_PROXIES, the same one the request form's rate limit counts.
AXES_CLIENT_IP_CALLABLE = "operator_site.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "operator_site.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Masked in axes' log lines: no user name, address or browser in the logs.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent"]

# Staff's second factor (django-otp): always for superusers; for every staff account too when
# this is on. Anyone who has set one up is asked for it anyway.
STAFF_SECOND_FACTOR_FOR_ALL = env_bool("STAFF_SECOND_FACTOR_FOR_ALL", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Content fields have a column per language (treks/translation.py, operator_site/translation.py);
# an empty Spanish text shows the English one, marked lang="en" (templatetags/site_tags.py).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Stored in UTC, shown in Cusco time; "today" for a travel date is Cusco's today.
TIME_ZONE = "America/Lima"
USE_TZ = True
# Dates in admin as on the site ("Friday 14 May 2027", not "May 14, 2027"): operator_site/formats/.
FORMAT_MODULE_PATH = ["operator_site.formats"]

# --- Static files and media -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded photos served by Django itself: right for one server (`make run`); turn off when a
# web server or object storage serves MEDIA_URL.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names with far-future caching, pre-compressed with gzip and Brotli.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Forms ------------------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A stuck mail server must never hold a traveller's request (or a worker) hostage.
# At most 12 s: a request's two e-mails are sent right after its commit, within gunicorn's 30 s
# worker timeout (a killed worker would show a stored request as an error page).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=12)
# The outbox (outbox/mail.py): a failed e-mail waits 1, 2, 4... minutes, at most this long,
# and gives up after this many tries (about a day of a mail server down), then waits in admin.
OUTBOX_MAX_PAUSE_MINUTES = env_int("OUTBOX_MAX_PAUSE_MINUTES", 360, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12, minimum=1, maximum=100)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Salkantay Trek Machu <info@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------

HTTPS = env_bool("DJANGO_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
# A load balancer probes over plain http; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    # Only behind a TLS-terminating proxy that sets this header (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
for _origin in CSRF_TRUSTED_ORIGINS:
    if urlsplit(_origin).scheme not in ("http", "https") or not urlsplit(_origin).netloc:
        raise ImproperlyConfigured(
            f"DJANGO_CSRF_TRUSTED_ORIGINS entries must look like https://www.example.com; "
            f"got {_origin!r}"
        )
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by operator_site.middleware.SecurityHeadersMiddleware on every response.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)

# Online payments (payments app, docs/payments.md): a provider is offered when its settings are
# set. PayPal charges dollars through its Orders v2 API; Mercado Pago charges soles (Checkout
# Pro) at the exchange rate staff set for the day. The API and checkout addresses are fixed per
# environment; tests point them at a local stand-in server.
PAYPAL_CLIENT_ID = env_str("PAYPAL_CLIENT_ID")
PAYPAL_CLIENT_SECRET = env_str("PAYPAL_CLIENT_SECRET")
PAYPAL_WEBHOOK_ID = env_str("PAYPAL_WEBHOOK_ID")
PAYPAL_ENV = env_str("PAYPAL_ENV") or "sandbox"
if PAYPAL_ENV not in ("sandbox", "live"):
    raise ImproperlyConfigured(f"PAYPAL_ENV must be sandbox or live; got {PAYPAL_ENV!r}")
PAYPAL_API_URL = {
    "sandbox": "https://api-m.sandbox.paypal.com",
    "live": "https://api-m.paypal.com",
}[PAYPAL_ENV]
PAYPAL_CHECKOUT_ORIGINS = [
    {"sandbox": "https://www.sandbox.paypal.com/", "live": "https://www.paypal.com/"}[PAYPAL_ENV]
]
MERCADOPAGO_ACCESS_TOKEN = env_str("MERCADOPAGO_ACCESS_TOKEN")
MERCADOPAGO_WEBHOOK_SECRET = env_str("MERCADOPAGO_WEBHOOK_SECRET")
MERCADOPAGO_API_URL = "https://api.mercadopago.com"
MERCADOPAGO_CHECKOUT_ORIGINS = [
    "https://www.mercadopago.com.pe/",
    "https://sandbox.mercadopago.com.pe/",
]
# Seconds one call to a provider may take before the traveller is told to try again.
PAYMENTS_TIMEOUT = env_int("PAYMENTS_TIMEOUT", 10, minimum=1, maximum=20)
PAYMENT_CHECKOUT_ORIGINS = [
    *(PAYPAL_CHECKOUT_ORIGINS if PAYPAL_CLIENT_ID else []),
    *(MERCADOPAGO_CHECKOUT_ORIGINS if MERCADOPAGO_ACCESS_TOKEN else []),
]

# Content-Security-Policy: only the site's own files. No inline script or style anywhere (the
# JSON-LD data blocks are data, which CSP does not govern); a template that really needs an
# inline script writes nonce="{{ request.csp_nonce }}", and only then does the header carry a
# nonce. Bootstrap's CSS draws a few icons from data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The booking page's pay buttons post here and are redirected to the provider's hosted
        # checkout: a form's redirect is held to form-action too (payments settings below).
        "form-action": [SELF, *PAYMENT_CHECKOUT_ORIGINS],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}

# Request size limits: a form body (everything but files) of at most 1 MB, at most 1000
# fields and 20 files; a whole request (uploads included) of at most MAX_REQUEST_BYTES, refused
# with 413 before Django reads it (photos are up to 15 MB each). Uploads over 2.5 MB stream to a
# temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MAX_REQUEST_BYTES = env_int(
    "DJANGO_MAX_REQUEST_BYTES", 100 * 1024 * 1024, minimum=1024 * 1024, maximum=1024 * 1024 * 1024
)
# ...but that only for signed-in staff in admin; any other request, the public forms included,
# may send a body of 64 KB at most and no file (operator_site.limits).
PUBLIC_MAX_REQUEST_BYTES = 64 * 1024
# How long one read of a request body may wait for the client: a Content-Length larger than
# what is sent ends in a 400 after this, well inside gunicorn's worker timeout.
REQUEST_BODY_TIMEOUT = env_int("DJANGO_REQUEST_BODY_TIMEOUT", 10, minimum=1, maximum=25)

# --- Logging ----------------------------------------------------------------------------------

# One line per event on stderr. Request errors carry the method, path and status, and an
# exception's type and place but never its message or the request's data, which may hold a
# traveller's name or e-mail (operator_site/logs.py).
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"()": "operator_site.logs.OneLineFormatter"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "line"},
        # Every server error (a 500) e-mailed to DJANGO_ADMINS by Django's own handler: it needs
        # the mail server only, not the database (the outbox), which may be what failed.
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {
            "handlers": ["stderr", "mail_admins"],
            "level": LOG_LEVEL,
            "propagate": False,
        },
        # axes logs every login attempt with the user name; failures and lockouts are enough.
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# --- Told of errors ---------------------------------------------------------------------------

# Who is e-mailed every server error: "Ana Quispe <ana@example.com>, ops@example.com". Empty:
# nobody (`manage.py launch_check` lists it). The report never holds what was posted, nor cookie
# values or local variables (operator_site/errors.py).
ADMINS = env_addresses("DJANGO_ADMINS")
DEFAULT_EXCEPTION_REPORTER_FILTER = "operator_site.errors.NoRequestBodyFilter"
EMAIL_SUBJECT_PREFIX = "[site] "
# An error tracker besides the e-mails, when its address is set (pip install -e '.[sentry]').
# Imported only then; with no personal data: no user, IP or cookies (send_default_pii), no
# request body, no local variables.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install -e '.[sentry]'"
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        # The release: the SDK's own SENTRY_RELEASE, else the checkout's git commit.
        traces_sample_rate=0,
    )

# --- The operator -----------------------------------------------------------------------------

# The operator's details are one record staff edit in admin (operator_site.models.OperatorDetails,
# read through operator_site.details.current()). These values only fill it in when it is first
# created (the migration operator_site/0007): the name and phone from the operator's current
# page, the rest from OPERATOR_* variables when set (each refused at start when bad, with the
# message admin gives). The tagline and city line are translated texts, not details.


def env_checked(name, validator):
    from django.core.exceptions import ValidationError

    raw = env_str(name)
    if raw:
        try:
            validator(raw)
        except ValidationError as error:
            raise ImproperlyConfigured(f"{name}: {' '.join(error.messages)} Got {raw!r}") from None
    return raw


def _seed():
    from django.core.validators import validate_email

    from operator_site import validators

    return {
        "name": env_str("OPERATOR_NAME") or "Salkantay Trek Machu",
        "phone": env_checked("OPERATOR_PHONE", validators.validate_phone) or "+51 914 939913",
        # The page gives one number; the site already invites calls and WhatsApp messages to it.
        "whatsapp": env_checked("OPERATOR_WHATSAPP", validators.validate_phone),
        # The operator's page gives no e-mail, address or hours: none until staff set them
        # (never an invented address).
        "email": env_checked("OPERATOR_EMAIL", validate_email),
        "address": env_str("OPERATOR_ADDRESS"),
        "hours": env_str("OPERATOR_HOURS"),
        "legal_name": env_str("OPERATOR_LEGAL_NAME"),
        "ruc": env_checked("OPERATOR_RUC", validators.validate_ruc),
        "licence": env_str("OPERATOR_TOURISM_LICENCE"),
        "tripadvisor_url": env_checked("OPERATOR_TRIPADVISOR_URL", validators.validate_profile_url),
        "google_reviews_url": env_checked(
            "OPERATOR_GOOGLE_REVIEWS_URL", validators.validate_profile_url
        ),
        "facebook_url": env_checked("OPERATOR_FACEBOOK_URL", validators.validate_profile_url),
        "instagram_url": env_checked("OPERATOR_INSTAGRAM_URL", validators.validate_profile_url),
    }


OPERATOR_SEED = _seed()

# The name authenticator apps show beside a staff account's codes.
OTP_TOTP_ISSUER = OPERATOR_SEED["name"]

# --- Requests for information -----------------------------------------------------------------

_RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _env_rate(name, default):
    """ "10/h" -> (10, 3600); "off" -> None (no limit)."""
    raw = env_str(name, default)
    if raw.lower() in {"off", "0", "none"}:
        return None
    count, _sep, period = raw.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or period.strip() not in _RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name} must look like 10/h (a number of requests per s, m, h or d) or be off; "
            f"got {raw!r}"
        )
    return int(count), _RATE_PERIODS[period.strip()]


def _env_networks(name):
    import ipaddress

    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name)]
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} must be comma-separated IP addresses or networks; {error}"
        ) from None


def _env_emails(name, default):
    from email.utils import parseaddr

    from django.core.validators import validate_email

    addresses = env_list(name, default)
    for address in addresses:
        try:
            validate_email(parseaddr(address)[1])
        except Exception:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated e-mail addresses; got {address!r}"
            ) from None
    return addresses


# Requests for information a client address may send, per period: the public form is a target.
INQUIRY_RATE_LIMIT = _env_rate("INQUIRY_RATE_LIMIT", "10/h")
# A form token older than this (a page left open for days) is refused: the form comes back with
# everything typed and asks to press send again. Seconds; a day by default.
INQUIRY_FORM_TOKEN_MAX_AGE = env_int(
    "INQUIRY_FORM_TOKEN_MAX_AGE", 60 * 60 * 24, minimum=600, maximum=60 * 60 * 24 * 30
)
# Confirmations one address may receive per Cusco day: anyone can type anyone's address.
INQUIRY_CONFIRMATIONS_PER_DAY = env_int("INQUIRY_CONFIRMATIONS_PER_DAY", 3, minimum=1, maximum=50)
# Suspected spam is kept this many days for staff to look at, then `purge_suspected_spam`
# deletes it (run it daily from cron).
INQUIRY_SPAM_KEEP_DAYS = env_int("INQUIRY_SPAM_KEEP_DAYS", 30, minimum=1, maximum=3650)
# Days a traveller's booking link works after it was sent (a new one can be sent from admin).
# Hours a new booking holds its seats while its deposit is awaited (staff can change one
# booking's in admin); then release_holds cancels it and tells staff.
BOOKING_HOLD_HOURS = env_int("BOOKING_HOLD_HOURS", 72, minimum=1, maximum=24 * 60)
BOOKING_LINK_MAX_AGE_DAYS = env_int("BOOKING_LINK_MAX_AGE_DAYS", 180, minimum=1, maximum=730)
# Days after a trip ends before its travellers' passport details are deleted.
TRAVELLER_DATA_KEEP_DAYS = env_int("TRAVELLER_DATA_KEEP_DAYS", 90, minimum=1, maximum=3650)
# Load balancers / reverse proxies whose X-Forwarded-For is believed. From anyone else the
# header is ignored, so it cannot be used to dodge the rate limit.
TRUSTED_PROXIES = _env_networks("TRUSTED_PROXIES")
# Who gets the e-mail for each new request (the sales inbox).
INQUIRY_NOTIFY_EMAILS = _env_emails("INQUIRY_NOTIFY_EMAILS", [DEFAULT_FROM_EMAIL])
# The site's public address: canonical links, structured data, e-mails sent outside a request,
# and the host part of every cached page's key (never the request's Host header). Unset, it is
# where `make run` serves: `PORT=8201 make run` puts :8201 in the e-mails' links.
SITE_URL = (
    env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1, maximum=65535)}"
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}")
# A refused POST (no or stale CSRF token) gets a page in the site's style.
CSRF_FAILURE_VIEW = "operator_site.views.csrf_failure"
