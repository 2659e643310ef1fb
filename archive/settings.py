"""Settings of the archive, read from the environment.

Every value has a safe development default beside it; production (DJANGO_DEBUG off)
refuses to start without the values that must not be guessed.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def postgresql_options():
    """Parameters bound by the server, so that PostgreSQL keeps the plan of a query a connection
    has run PREPARE_THRESHOLD times: an uncached article page's five queries are planned once
    per connection, not on every view (docs/performance.md). A pooler
    in transaction mode that cannot keep prepared statements (PgBouncer before 1.21) needs
    DJANGO_DB_PREPARE_THRESHOLD=off."""
    options = {}
    threshold = os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "5").strip().lower()
    if threshold != "off":
        options.update(server_side_binding=True, prepare_threshold=int(threshold))
    # A query running longer than ARCHIVE_DB_STATEMENT_SECONDS is cancelled (a 503 for the
    # reader). gunicorn.conf.py sets it for the server processes; commands (an ingest, a
    # migration) run unbounded. A pooler must pass the "options" startup parameter on.
    seconds = float(os.environ.get("ARCHIVE_DB_STATEMENT_SECONDS", "0"))
    if seconds:
        options["options"] = f"-c statement_timeout={round(seconds * 1000)}"
    return options


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-secret-key-not-for-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "csp",
    "reversion",
    "reversion_compare",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "articles.api.middleware.ApiCorsMiddleware",
    # A search with no index to answer from: 503, never 500.
    "articles.site.unavailable.UnavailableMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive.urls"

TEMPLATES = [
    # Readers' pages: Jinja2, about twice as fast to render (articles/site/jinja.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "articles.site.jinja.environment",
            "context_processors": ["articles.addresses.site_pages"],
        },
    },
    # The admin (its forms' widgets too), the sitemaps and the API's pages.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.addresses.site_pages",
            ],
        },
    },
]

WSGI_APPLICATION = "archive.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers browse while an ingest writes; IMMEDIATE avoids lock upgrades failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(postgresql_options())

# Read replicas of the primary (PostgreSQL streaming replicas), comma-separated URLs: readers'
# pages read from one of them, and everything else from the primary (archive/replicas.py). The
# test runner points them at the primary's test database, by name, on their own servers: a real
# streaming replica holds it as soon as the primary creates it.
DATABASE_REPLICAS = []
for number, url in enumerate(filter(None, map(str.strip, os.environ.get("DATABASE_REPLICA_URLS", "").split(","))), 1):
    alias = f"replica_{number}"
    DATABASES[alias] = dj_database_url.parse(
        url,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    # A replica that does not answer is left for the primary within seconds, not minutes.
    DATABASES[alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES[alias]["OPTIONS"].update(postgresql_options())
    DATABASE_REPLICAS.append(alias)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["archive.replicas.PrimaryReplicaRouter"]
    # Before anything reads the database (sessions, users): it chooses where the request reads.
    MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware"), "archive.replicas.ReadFromReplicaMiddleware")
# After any write request a client reads from the primary this long (a cookie, so any server
# process on any host knows): longer than the replicas ever lag, so an editor sees their save.
ARCHIVE_PRIMARY_PIN_SECONDS = int(os.environ.get("ARCHIVE_PRIMARY_PIN_SECONDS", "30"))
# A replica further behind than this is not read (never more than the pin: a writer whose pin
# expired must find their write on any replica still read).
ARCHIVE_REPLICA_MAX_LAG_SECONDS = min(
    int(os.environ.get("ARCHIVE_REPLICA_MAX_LAG_SECONDS", str(ARCHIVE_PRIMARY_PIN_SECONDS))),
    ARCHIVE_PRIMARY_PIN_SECONDS,
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff logins are throttled by django-axes: after AXES_FAILURE_LIMIT wrong passwords for one
# account from one address, that pair is refused, right password included, for the cool-off.
# Another account, or the same account from another address, is unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes here and whitenoise serves from here (tests starting servers use their own).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Caching ---------------------------------------------------------------------------------
# Every server process must see an ingest or an edit at once, so they share one cache (REDIS_URL):
# caching.invalidate() moves its version key on, and with it every process's cached pages, counts
# and searches. Production refuses to start without it unless told it runs as a single process
# (ARCHIVE_LOCAL_CACHE=1), which may then keep its own cache, as development does.
# No page or count is kept longer than ARCHIVE_CACHE_SECONDS, the five minutes docs/behaviour.md promises.
ARCHIVE_CACHE_SECONDS = 300
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Archives sharing one Redis (production and staging, or parallel test runs) need their own prefix.
    # Should Redis stop answering, pages are rendered uncached rather than refused (archive/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "archive.cache.SharedCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("ARCHIVE_CACHE_KEY_PREFIX", "archive"),
            "TIMEOUT": ARCHIVE_CACHE_SECONDS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
elif DEBUG or env_bool("ARCHIVE_LOCAL_CACHE", False):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "archive",
            "TIMEOUT": ARCHIVE_CACHE_SECONDS,
        }
    }
else:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DJANGO_DEBUG is off, so that all server processes share one cache "
        "(ARCHIVE_LOCAL_CACHE=1 if the archive runs as a single process)."
    )

# Rendered readers' pages are kept this long, or until the archive changes (0 turns it off).
ARCHIVE_PAGE_CACHE_SECONDS = min(
    int(os.environ.get("ARCHIVE_PAGE_CACHE_SECONDS", str(ARCHIVE_CACHE_SECONDS))), ARCHIVE_CACHE_SECONDS
)
TEST_RUNNER = "archive.testing.TestRunner"

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The reader's pages load only their own stylesheet and no script at all.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Load balancers check /health/ over plain HTTP, even in front of an HTTPS-only site.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Deployments behind TLS set DJANGO_HTTPS=1: HSTS, secure cookies and the HTTPS redirect.
HTTPS = env_bool("DJANGO_HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is a commitment for the domain's owner to make
        # (DJANGO_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
else:
    # Served over plain HTTP (development, or TLS ended elsewhere without DJANGO_HTTPS), these
    # four deploy checks cannot pass and are deliberately silenced; DJANGO_HTTPS=1 enables them.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

# Files larger than this are refused by `manage.py ingest`: no page of the site comes near it.
ARCHIVE_INGEST_MAX_BYTES = int(os.environ.get("ARCHIVE_INGEST_MAX_BYTES", str(5 * 1024 * 1024)))
# A file that takes longer than this to read is refused (0: no bound). The parser reads a page
# of the site in milliseconds; this only stops a file made to be slow.
ARCHIVE_INGEST_PARSE_SECONDS = float(os.environ.get("ARCHIVE_INGEST_PARSE_SECONDS", "20"))

# The search index (tantivy), derived from the database and kept current through its change
# log; `manage.py search_index --rebuild` makes it afresh. Each host keeps its own.
# The engine: a class keeping articles.search.base.SearchBackend's contract, made with the folder.
ARCHIVE_SEARCH_ENGINE = os.environ.get("ARCHIVE_SEARCH_ENGINE", "articles.search.tantivy_engine.TantivyBackend")
ARCHIVE_SEARCH_INDEX_DIR = Path(os.environ.get("ARCHIVE_SEARCH_INDEX_DIR", str(BASE_DIR / "search-index")))
# The change log keeps this many days of rows; an index that has not read them since rebuilds.
ARCHIVE_SEARCH_LOG_DAYS = int(os.environ.get("ARCHIVE_SEARCH_LOG_DAYS", "30"))

# --- What one client may ask (articles/throttles.py) -----------------------------------------
# A client is its address: behind proxies set DJANGO_NUM_PROXIES to their number, so that it is
# read from X-Forwarded-For as the nearest proxy saw it (0 reads the connection's address only).
# Rate limits, login lockouts and the API all take it from archive/clients.py.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "archive.clients.client_address"
# Anonymous clients' requests per period (DRF's "number/period"; empty: no limit), counted in the
# shared cache (in each process's memory while it does not answer): the JSON API's;
ARCHIVE_API_ANON_RATE = os.environ.get("ARCHIVE_API_ANON_RATE", "120/minute")
# downloads of every match of a list or search (each may read the whole archive);
ARCHIVE_EXPORT_ANON_RATE = os.environ.get("ARCHIVE_EXPORT_ANON_RATE", "60/hour")
# pages rendered afresh that cost more than a list's: search, timelines, feeds and sitemaps
# (a page the page cache holds costs nothing and is not counted);
ARCHIVE_PAGES_ANON_RATE = os.environ.get("ARCHIVE_PAGES_ANON_RATE", "120/minute")
# and the staff login's attempts (each hashes a password: a third of a second of CPU), on top of
# django-axes's lockout of an account after AXES_FAILURE_LIMIT wrong passwords.
ARCHIVE_LOGIN_ANON_RATE = os.environ.get("ARCHIVE_LOGIN_ANON_RATE", "20/minute")
# Readers' suggested corrections: so many per address, and so many from everyone together.
ARCHIVE_SUGGESTIONS_ANON_RATE = os.environ.get("ARCHIVE_SUGGESTIONS_ANON_RATE", "10/hour")
ARCHIVE_SUGGESTIONS_CEILING = os.environ.get("ARCHIVE_SUGGESTIONS_CEILING", "300/day")
# A server process streams at most this many downloads at once; more are answered 503, and a
# client that stops reading one for ARCHIVE_SEND_TIMEOUT_SECONDS is let go.
ARCHIVE_EXPORTS_AT_ONCE = int(os.environ.get("ARCHIVE_EXPORTS_AT_ONCE", "2"))
ARCHIVE_SEND_TIMEOUT_SECONDS = float(os.environ.get("ARCHIVE_SEND_TIMEOUT_SECONDS", "30"))

# --- The JSON API (/api/v1/) ----------------------------------------------------------------
# Read-only and JSON only: the docs are Swagger UI (drf-spectacular), served from static files
# with its start-up code as a script file, so the API's pages keep the site's strict CSP.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["articles.throttles.AnonymousThrottle"],
    "DEFAULT_SCHEMA_CLASS": "articles.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "articles.api.errors.handler",
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ASHARQ AL-AWSAT English Archive API",
    "DESCRIPTION": (
        "Read-only JSON of the archive 2005–2017: articles with their photos, tags, dates and provenance; "
        "photos, tags with their aliases, sections, authors; search in the site's query syntax, ranked; and "
        "a search's matches per month. Lists page by cursor: follow each page's `next`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Public and read-only: no way to log in is described, so Swagger UI shows no "Authorize".
    "AUTHENTICATION_WHITELIST": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.schema.empty_values_allowed",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
