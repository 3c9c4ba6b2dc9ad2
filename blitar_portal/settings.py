"""Settings of the Blitar smart-city portal: ONE file, every knob from the environment.

Development defaults need no configuration at all (see README). A production
run sets DEBUG=0, SECRET_KEY and ALLOWED_HOSTS; with DEBUG=0 and the default
secret the process refuses to start.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration as GuidCeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    """NAME from the environment, else the content of the file named by NAME_FILE
    (Docker/Kubernetes secrets, systemd LoadCredential=), else the default."""
    value = os.environ.get(name)
    if value is None and os.environ.get(f"{name}_FILE"):
        path = Path(os.environ[f"{name}_FILE"])
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
    return default if value is None else value


def env_bool(name, default=False):
    value = env(name, None)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name, default):
    value = env(name, None)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# pytest sets PYTEST_VERSION for the whole run (pytest >= 8.2).
TESTING = "PYTEST_VERSION" in os.environ or "pytest" in Path(sys.argv[0]).name

DEFAULT_SECRET_KEY = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - refused when DEBUG=0
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or DEFAULT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG=0 needs a real SECRET_KEY: set the SECRET_KEY environment variable "
        "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
# Fernet keys for personal data and feed secrets at rest (blitar_portal/lib/crypto.py): the first
# encrypts, all decrypt (rotation: docs/privacy.md). The development key is public: refused when DEBUG=0.
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWJsaXRhci1wb3J0YWw="  # noqa: S105 - refused when DEBUG=0
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or ([DEV_FIELD_ENCRYPTION_KEY] if DEBUG else [])
if not DEBUG and (not FIELD_ENCRYPTION_KEYS or DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "DEBUG=0 needs FIELD_ENCRYPTION_KEYS (personal data is encrypted at rest): set it to one or more "
        "comma-separated Fernet keys, newest first (make one with: python -c 'from cryptography.fernet "
        "import Fernet; print(Fernet.generate_key().decode())')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "leaflet",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "django_guid",
    # Project apps; seed_demo runs each app's demo.py in this order.
    "blitar_portal.regions",
    "blitar_portal.accounts",
    "blitar_portal.core",
    "blitar_portal.notifications",
    "ehealth",
    "ikm",
    "tanam",
    "blitar_portal.dashboard",
]

MIDDLEWARE = [
    # First: every response, even one made by a later middleware, carries X-Request-ID.
    "django_guid.middleware.guid_middleware",
    "blitar_portal.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "blitar_portal.core.middleware.LanguageMiddleware",
    # Refuses bodies above MAX_REQUEST_BODY_BYTES (413) before CSRF or a view reads them.
    "blitar_portal.core.middleware.RequestBodyLimitMiddleware",
    # Control characters in the path or a GET parameter: 400 before any view (after the language is set).
    "blitar_portal.core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns blitar_portal.lib.ratelimit's RateLimited into RATELIMIT_VIEW (a 429 page) instead of a 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Axes must be last: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "blitar_portal.urls"
WSGI_APPLICATION = "blitar_portal.wsgi.application"

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
                "blitar_portal.core.context_processors.site",
            ],
        },
    },
]

# Widgets render through TEMPLATES too, so templates/leaflet/ (django-leaflet's map and
# geometry widget without inline scripts, see CONTENT_SECURITY_POLICY) applies to forms and the admin.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: PostgreSQL + PostGIS ---------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgis://localhost/blitar_portal"),
        # Tests: worker and live-server threads must not keep connections to the test database.
        conn_max_age=0 if TESTING else env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
# An unreachable database fails in seconds, not after the TCP timeout (minutes): /readyz answers.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
# pgbouncer in transaction pooling mode between the portal and PostgreSQL: a server-side
# cursor (QuerySet.iterator()) would outlive its transaction's server connection, so Django
# fetches client-side instead (the exports page by keyset anyway).
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DB_PGBOUNCER
# Opt-in streaming replicas (comma-separated URLs): dashboards, exports and the public read
# API read from them inside blitar_portal.lib.db.use_replica(); everything else uses the primary.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", env("DATABASE_REPLICA_URL", ""))
REPLICA_DATABASES = []
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _alias = f"replica{_number}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    DATABASES[_alias]["ENGINE"] = DATABASES["default"]["ENGINE"]
    DATABASES[_alias].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = DB_PGBOUNCER
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
    REPLICA_DATABASES.append(_alias)
DATABASE_ROUTERS = ["blitar_portal.lib.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, rate limits ------------------------------
REDIS_URL = env("REDIS_URL", "redis://localhost:6379/0")
# Cache and broker are separate Redis servers in production (a full cache evicts keys; an
# evicted broker key is a lost task): CACHE_REDIS_URL and CELERY_BROKER_URL, both REDIS_URL
# by default. django-redis: with IGNORE_EXCEPTIONS an unreachable Redis is a cache miss
# (pages render from the database, rate limits fail open: RATELIMIT_FAIL_OPEN below).
CACHE_REDIS_URL = env("CACHE_REDIS_URL", REDIS_URL)
# Redis Sentinel (docs/operations.md): CACHE_REDIS_SENTINELS="host1:26379,host2:26379" and
# CACHE_REDIS_URL="redis://<master name>/0"; django-redis asks the sentinels for the master.
CACHE_REDIS_SENTINELS = [
    (host, int(port)) for host, _, port in (item.rpartition(":") for item in env_list("CACHE_REDIS_SENTINELS"))
]


def redis_cache(location, sentinels=()):
    """CACHES["default"]: django-redis on `location`, through `sentinels` [(host, port)] if any."""
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    if sentinels:
        options.update(
            CLIENT_CLASS="django_redis.client.SentinelClient",
            CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory",
            CONNECTION_POOL_CLASS="redis.sentinel.SentinelConnectionPool",
            SENTINELS=list(sentinels),
            SENTINEL_KWARGS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        )
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "blitar"),
        "TIMEOUT": 300,
        "OPTIONS": options,
    }


CACHES = {"default": redis_cache(CACHE_REDIS_URL, CACHE_REDIS_SENTINELS)}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "blitar_portal.cache.unavailable"  # one line a minute at most (LOGGING below)
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ----------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Longer than the longest task (300 s), so a late-acked task is not redelivered
# while it still runs.
# A task whose worker died unacknowledged is delivered again after visibility_timeout (the
# failover rehearsal shortens it; it must exceed the longest ETA/countdown in production).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600),
    "socket_connect_timeout": 1,
}
# Broker behind Redis Sentinel: CELERY_BROKER_URL="sentinel://h1:26379;sentinel://h2:26379" and
# the master's name here (kombu asks the sentinels which server is the master).
if env("CELERY_BROKER_SENTINEL_MASTER"):
    CELERY_BROKER_TRANSPORT_OPTIONS["master_name"] = env("CELERY_BROKER_SENTINEL_MASTER")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A web request must not hang when Redis is down: fail fast, the caller decides.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_TIMEZONE = "Asia/Jakarta"
# celery-redbeat: the schedule and a lock live in the broker's Redis, so a beat may be started
# on every host (or twice by mistake): one holds the lock and sends, the others wait and take
# over when its lock expires (BEAT_LOCK_TIMEOUT_SECONDS after it stopped extending it).
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_REDBEAT_REDIS_URL = env("REDBEAT_REDIS_URL", CELERY_BROKER_URL)
CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 10}
# The beat's Redis behind Sentinel: REDBEAT_SENTINELS="h1:26379,h2:26379" and REDBEAT_SENTINEL_MASTER
# (the master's name); celery-redbeat asks the sentinels for the master before each use of the lock.
REDBEAT_SENTINELS = [
    (host, int(port)) for host, _, port in (item.rpartition(":") for item in env_list("REDBEAT_SENTINELS"))
]
if REDBEAT_SENTINELS:
    CELERY_REDBEAT_REDIS_URL = "redis-sentinel://"
    CELERY_REDBEAT_REDIS_OPTIONS = {
        **CELERY_REDBEAT_REDIS_OPTIONS,
        "sentinels": REDBEAT_SENTINELS,
        "service_name": env("REDBEAT_SENTINEL_MASTER", "blitar-broker"),
        "db": env_int("REDBEAT_REDIS_DB", 0),
        "sentinel_kwargs": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
CELERY_REDBEAT_KEY_PREFIX = env("REDBEAT_KEY_PREFIX", f"test-{os.getpid()}:redbeat:" if TESTING else "redbeat:")
CELERY_REDBEAT_LOCK_TIMEOUT = env_int("BEAT_LOCK_TIMEOUT_SECONDS", 60)
CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("BEAT_MAX_LOOP_INTERVAL_SECONDS", 5)
# The worker logs through LOGGING (and its personal-data filter), not a handler of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Each app adds its entries in its AppConfig.ready() via core.beat.register().
HEARTBEAT_INTERVAL_SECONDS = float(env_int("HEARTBEAT_INTERVAL_SECONDS", 30))
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.worker_heartbeat", "schedule": HEARTBEAT_INTERVAL_SECONDS},
}
# Work split by kind, one worker per queue in deploy/ (a burst of photo renditions must not
# delay bed syncs). Tasks not listed run on the default queue.
CELERY_TASK_ROUTES = {
    "ehealth.dispatch_due_syncs": {"queue": "feeds"},
    "ehealth.sync_hospital": {"queue": "feeds"},
    "notifications.send": {"queue": "notifications"},
    "notifications.send_due": {"queue": "notifications"},
    "notifications.daily_events": {"queue": "notifications"},
    "ikm.product_photo_render": {"queue": "images"},
    "ikm.render_pending_photos": {"queue": "images"},
    "tanam.planting_renditions": {"queue": "images"},
    "tanam.render_pending_plantings": {"queue": "images"},
    "tanam.recheck_reminders": {"queue": "notifications"},
    "tanam.clusters_refresh": {"queue": "aggregates"},
    "tanam.cover_refresh": {"queue": "aggregates"},
    "tanam.cover_refresh_current_year": {"queue": "aggregates"},
    "tanam.aggregates_rebuild": {"queue": "aggregates"},
    "dashboard.refresh_summaries": {"queue": "aggregates"},
}
# Every work queue gets its own heartbeat: /metrics shows when one queue's worker is gone.
WORKER_QUEUES = env_list("WORKER_QUEUES", "feeds,notifications,images,aggregates")
CELERY_BEAT_SCHEDULE.update(
    {
        f"worker-heartbeat-{queue}": {
            "task": "core.worker_heartbeat",
            "schedule": HEARTBEAT_INTERVAL_SECONDS,
            "options": {"queue": queue},
        }
        for queue in WORKER_QUEUES
    }
)
if TESTING:
    # A test run never shares a queue or cache keys with `make run` or another
    # test run on the same Redis: its tasks must run against the test database,
    # all on the run's own queue (its worker consumes nothing else).
    CELERY_TASK_ROUTES = {}
    CELERY_TASK_DEFAULT_QUEUE = f"test-{os.getpid()}"
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
HEARTBEAT_MAX_AGE_SECONDS = env_int("HEARTBEAT_MAX_AGE_SECONDS", 120)

# --- Health and monitoring ------------------------------------------------------
# Bearer token that shows versions, ages and error texts on /healthz and /readyz;
# empty: nobody sees details. Anonymous callers only learn which part failed.
MONITORING_TOKEN = env("MONITORING_TOKEN")
# Upper bound of one broker check in /healthz and /readyz (one attempt, no retry).
HEALTH_CHECK_TIMEOUT_SECONDS = float(env("HEALTH_CHECK_TIMEOUT_SECONDS", "0.5"))
# /healthz names "replica" when a streaming replica replays further behind than this.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 30)

# --- Auth, roles, lockout ---------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# A role's start page (accounts.views.start asks each AppConfig.start_url), else the profile.
LOGIN_REDIRECT_URL = "accounts:start"
LOGOUT_REDIRECT_URL = "core:home"

# --- Abuse controls: client address, lockout, rate limits, request size -------
# Reverse proxies in front of the app that append to X-Forwarded-For (nginx: 1).
# 0 = the app is reached directly: REMOTE_ADDR is the client, the header is ignored.
# blitar_portal.lib.client_ip decides the address for rate limits, throttles and lockout.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "blitar_portal.lib.client_ip.client_ip"
# Lockout after failed logins, counted two ways (blitar_portal.accounts.lockout):
# per (username, IP) up to AXES_FAILURE_LIMIT, and per IP across all usernames up to
# AXES_IP_FAILURE_LIMIT (one IP trying one password on many accounts). The order of
# AXES_LOCKOUT_PARAMETERS matters to that handler.
AXES_HANDLER = "blitar_portal.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Every rate limit, pages and API alike (blitar_portal.lib.ratelimit): group -> "count/period"
# (s, m, h, d; e.g. "10/h", "30/10m"), each from RATE_LIMIT_<GROUP> (upper case, "-" -> "_").
# Counted in Redis per client IP unless the group says per account.
RATE_LIMITS = {
    group: env("RATE_LIMIT_" + group.upper().replace("-", "_"), default)
    for group, default in {
        "api-anon": "120/m",  # every anonymous API request, per IP
        "api-user": "240/m",  # every signed-in API request, per account
        "booking-lookup": "30/h",  # booking codes looked up or cancelled (page and API), per IP
        "service-request": "10/h",  # service requests submitted (page and API), per IP
        "password-reset-ip": "10/h",  # password-reset e-mails asked for, per IP
        "password-reset-email": "3/h",  # password-reset e-mails asked for, per target address
        "signup": "10/h",  # accounts created, per IP
        "ikm-owner-register": "10/h",  # IKM owner sign-ups, per IP
        "ikm-inquiry": "5/h",  # messages to a shop, per IP
        "tanam-register": "30/h",  # plantings registered or edited (page and API), per account
        "tanam-community": "30/h",  # joining/leaving communities, per account
        "notification-stop": "30/h",  # stop links opened or confirmed, per IP
        "push-subscription": "30/h",  # Web Push subscribe/unsubscribe calls (API), per IP
        "bed-alert": "20/h",  # "Kabari saya" alerts made, renewed or cancelled (pages), per IP
    }.items()
}
RATELIMIT_IP_META_KEY = "blitar_portal.lib.client_ip.client_ip"
RATELIMIT_VIEW = "blitar_portal.core.views.ratelimited"
# Redis down: the count is unknown (django-redis returns None) and the request is allowed.
RATELIMIT_FAIL_OPEN = True
# gis.W001: Debian 12 ships GDAL 3.6; we never open user-supplied spatial files with GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Email ------------------------------------------------------------------


def email_settings(url):
    """EMAIL_URL: console:// (default), locmem://, smtp://user:pass@host:587?tls=1."""
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(backends)}")
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": parsed.username or "",
        "EMAIL_HOST_PASSWORD": parsed.password or "",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in ("1", "true"),
    }


EMAIL_URL = env("EMAIL_URL", "console://" if DEBUG else "")
if not EMAIL_URL:
    raise ImproperlyConfigured("DEBUG=0 needs EMAIL_URL (for example smtp://user:pass@mail.blitarkab.go.id:587?tls=1).")
globals().update(email_settings(EMAIL_URL))
# E-mails carry addresses, booking links and one-time codes: in production they never go to the log
# (console) or to memory (locmem, which only tests read).
if not DEBUG and (EMAIL_URL.startswith("console:") or (EMAIL_URL.startswith("locmem:") and not TESTING)):
    raise ImproperlyConfigured(
        f"EMAIL_URL={EMAIL_URL.split(':')[0]}:// is refused when DEBUG=0: it would write e-mails (addresses, "
        "booking links, one-time codes) to the log or lose them. Set EMAIL_URL=smtp://user:pass@host:587?tls=1."
    )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Portal Smart City Kabupaten Blitar <noreply@blitarkab.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Personal data (docs/privacy.md) --------------------------------------------
# Days after the visit when a service request's personal fields are erased (statistics stay).
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 90)
# Operational rows: feed sync logs, bed history (never less than the dashboard reads: 400 days),
# login attempts and logs (django-axes). Expired sessions are deleted by the same daily run.
SYNC_RUN_RETENTION_DAYS = env_int("SYNC_RUN_RETENTION_DAYS", 30)
BED_HISTORY_RETENTION_DAYS = env_int("BED_HISTORY_RETENTION_DAYS", 400)
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 90)
# Who citizens write to about their personal data (shown on /privasi/ and the data pages).
PRIVACY_CONTACT_EMAIL = env("PRIVACY_CONTACT_EMAIL", "diskominfo@blitarkab.go.id")

# --- Notifications (docs/notifications.md) -------------------------------------
# Outbox dispatch: attempts before a row is failed, first retry delay (doubles each time),
# messages per recipient per hour (more wait for the next hour), quiet hours (local time,
# "HH:MM-HH:MM"; non-urgent messages wait until they end), days a finished row is kept.
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
NOTIFICATIONS_RATE_PER_HOUR = env_int("NOTIFICATIONS_RATE_PER_HOUR", 10)
NOTIFICATIONS_QUIET_HOURS = env("NOTIFICATIONS_QUIET_HOURS", "21:00-06:00")
NOTIFICATIONS_RETENTION_DAYS = env_int("NOTIFICATIONS_RETENTION_DAYS", 90)
# A provider that does not answer (timeout, connection refused) pauses its channel this long:
# its other messages wait instead of each holding a worker for the whole timeout.
NOTIFICATIONS_CHANNEL_PAUSE_SECONDS = env_int("NOTIFICATIONS_CHANNEL_PAUSE_SECONDS", 60)
# WhatsApp failed for good (or the number has no WhatsApp): send the SMS instead when the
# person agreed to SMS and the SMS gateway is configured.
NOTIFICATIONS_SMS_FALLBACK = env_bool("NOTIFICATIONS_SMS_FALLBACK", True)
# IKM certificates: owners are told this many days before one expires (once per threshold).
NOTIFICATIONS_CERT_EXPIRY_DAYS = [int(d) for d in env_list("NOTIFICATIONS_CERT_EXPIRY_DAYS", "60,30,7")]

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# WhiteNoise serves from STATIC_ROOT after collectstatic; in development it finds files itself.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# `manage.py backup`: where the sets go and how many are kept (docs/operations.md).
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 7)
# Or an S3-compatible bucket (used instead of BACKUP_DIR when BACKUP_S3_BUCKET is set): the sets
# go under BACKUP_S3_PREFIX/, same retention. A bucket and credentials apart from the media's.
BACKUP_S3_BUCKET = env("BACKUP_S3_BUCKET")
BACKUP_S3_PREFIX = env("BACKUP_S3_PREFIX", "backups")
BACKUP_S3_ENDPOINT_URL = env("BACKUP_S3_ENDPOINT_URL")
BACKUP_S3_REGION = env("BACKUP_S3_REGION")
BACKUP_S3_ACCESS_KEY_ID = env("BACKUP_S3_ACCESS_KEY_ID")
BACKUP_S3_SECRET_ACCESS_KEY = env("BACKUP_S3_SECRET_ACCESS_KEY")
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG or TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Originals of uploads (EXIF intact): never under MEDIA_URL.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Media on S3-compatible object storage (MinIO, Ceph, AWS S3…) when MEDIA_S3_BUCKET is set,
# through django-storages; the local folders above otherwise (docs/operations.md "Media on S3").
# Public renditions go to MEDIA_S3_BUCKET (public-read objects, plain URLs or
# MEDIA_S3_CUSTOM_DOMAIN); originals and private renditions to MEDIA_S3_PRIVATE_BUCKET (default:
# the same bucket, under another prefix) as private objects: they are only ever read by the
# permission-checked views (lib/media.py); a URL of one would be signed and short-lived.


def s3_media_storages(env):
    """STORAGES["default"] and ["private"] on S3-compatible storage from MEDIA_S3_* (read with
    `env(name, default)`); tests build the same from their own values."""
    common = {
        "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", "") or None,
        "region_name": env("MEDIA_S3_REGION", "") or None,
        "access_key": env("MEDIA_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
        "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", "path") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,  # a new name instead of overwriting, like FileSystemStorage
    }
    public = {
        **common,
        "bucket_name": env("MEDIA_S3_BUCKET", ""),
        "location": env("MEDIA_S3_PUBLIC_PREFIX", "public"),
        # Empty when the bucket has ACLs disabled and a public-read bucket policy instead.
        "default_acl": env("MEDIA_S3_PUBLIC_ACL", "public-read") or None,
        "querystring_auth": False,
        "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN", "") or None,
        "url_protocol": env("MEDIA_S3_URL_PROTOCOL", "https:"),
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    private = {
        **common,
        "bucket_name": env("MEDIA_S3_PRIVATE_BUCKET", "") or public["bucket_name"],
        "location": env("MEDIA_S3_PRIVATE_PREFIX", "private"),
        "default_acl": env("MEDIA_S3_PRIVATE_ACL", "private") or None,
        # Nothing calls url() on it (lib/media.py); if something did, the URL would expire in a minute.
        "querystring_auth": True,
        "querystring_expire": 60,
    }
    if public["bucket_name"] == private["bucket_name"] and (
        public["location"] == private["location"] or not public["location"] or not private["location"]
    ):
        raise ImproperlyConfigured(
            "In one bucket MEDIA_S3_PUBLIC_PREFIX and MEDIA_S3_PRIVATE_PREFIX must be set and differ."
        )
    backend = "storages.backends.s3.S3Storage"
    return {"default": {"BACKEND": backend, "OPTIONS": public}, "private": {"BACKEND": backend, "OPTIONS": private}}


MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    STORAGES.update(s3_media_storages(env))

# One photo may be up to MAX_UPLOAD_IMAGE_BYTES (checked by lib.images after upload).
MAX_UPLOAD_IMAGE_BYTES = env_int("MAX_UPLOAD_IMAGE_BYTES", 8 * 1024 * 1024)
# A valid photo of a form shown again with errors is kept privately this many hours, so the
# person need not choose it again (blitar_portal/lib/uploads.py; purged by the daily retention run).
HELD_UPLOAD_HOURS = env_int("HELD_UPLOAD_HOURS", 24)
# A whole request body may be up to MAX_REQUEST_BODY_BYTES: the largest form carries two
# photos (shop logo and banner) plus its fields. Larger bodies are refused with 413 from
# their Content-Length, before anything reads them (core.middleware.RequestBodyLimitMiddleware);
# the proxy in front refuses them too (nginx client_max_body_size, README "Behind a reverse proxy").
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 2 * MAX_UPLOAD_IMAGE_BYTES + 1024 * 1024)
# Django's own limits inside that body: uploaded files above 2.5 MB are streamed to a
# temporary file instead of memory; the non-file fields may not exceed the body limit.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000)

# --- Maps ---------------------------------------------------------------------
# The base of every map (docs/maps.md). Empty (the default): the built-in base map drawn from the
# portal's own data (regency, kecamatan and desa boundaries with names, hospitals), which needs no
# tile server and no internet. Set a tile URL template ({z}/{x}/{y}) to draw tiles under it instead,
# e.g. the national geoportal's basemap (Badan Informasi Geospasial), a self-hosted tile server or a
# commercial provider, with its MAP_TILES_ATTRIBUTION; the tile host is added to the CSP's img-src.
# When tiles fail to load, maps fall back to the built-in base map.
MAP_TILES_URL = env("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = env("MAP_TILES_ATTRIBUTION", "")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-8.1, 112.25),
    "DEFAULT_ZOOM": 11,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 19,
    "SPATIAL_EXTENT": (111.85, -8.45, 112.6, -7.85),
    "TILES": [("Peta dasar", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})]
    if MAP_TILES_URL
    else [],
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    # The built-in base map's and the controls' styles, on every map (pages and admin widgets).
    "PLUGINS": {"portal-basemap": {"css": ["css/leaflet-basemap.css"], "auto-include": True}},
}

# --- E-Health feeds ---------------------------------------------------------------
# One fetch of a hospital feed (ehealth.feeds.fetch): seconds until it gives up, and the
# largest body read (the feed contract's limits, docs/feeds/FORMATS.md).
EHEALTH_FEED_TIMEOUT = float(env("EHEALTH_FEED_TIMEOUT", "10"))
EHEALTH_FEED_MAX_BYTES = env_int("EHEALTH_FEED_MAX_BYTES", 5 * 1024 * 1024)
# "Your turn is near": a waiting patient is told once when this many patients are ahead.
EHEALTH_TURN_NEAR_AHEAD = env_int("EHEALTH_TURN_NEAR_AHEAD", 3)
# "Kabari saya" (ehealth.BedAlert): an alert lasts this many hours unless renewed; a hospital that
# flaps 0 -> 1 -> 0 -> 1 within the debounce window is told once per alert; ended alerts (and their
# anonymous contact) are deleted this many days after they end (core.services.retention_apply).
BED_ALERT_HOURS = env_int("BED_ALERT_HOURS", 24)
BED_ALERT_DEBOUNCE_MINUTES = env_int("BED_ALERT_DEBOUNCE_MINUTES", 30)
BED_ALERT_RETENTION_DAYS = env_int("BED_ALERT_RETENTION_DAYS", 7)
# The simulated hospital feeds of `make run` (/kesehatan/demo-feed/<slug>/) also with DEBUG=0 (staging demos).
DEMO_FEEDS = env_bool("DEMO_FEEDS", False)

# --- Open data ------------------------------------------------------------------
# The open-data files of verified plantings are rebuilt this many seconds after the first
# change of a quiet period (one build for a burst of verifications), and hourly by beat.
TANAM_OPEN_DATA_DEBOUNCE_SECONDS = env_int("TANAM_OPEN_DATA_DEBOUNCE_SECONDS", 60)
# Behind nginx: an `internal` location aliasing MEDIA_ROOT (e.g. "/_open-data/"). The view then
# answers with X-Accel-Redirect and nginx sends the file, so a slow download of hundreds of MB
# never holds (or is cut by the timeout of) a gunicorn sync worker. Empty: Django sends the file.
OPEN_DATA_ACCEL_REDIRECT_PREFIX = env("OPEN_DATA_ACCEL_REDIRECT_PREFIX", "")

# --- Notifications: channels (docs/notifications-channels.md) ---------------------
# Each channel is off until its credentials are set; every request to a provider gives up after
# its *_TIMEOUT seconds (the outbox retries later).
# WhatsApp Business Platform, Cloud API (template messages; webhook at the notifications app).
WHATSAPP_API_BASE = env("WHATSAPP_API_BASE", "https://graph.facebook.com")
WHATSAPP_API_VERSION = env("WHATSAPP_API_VERSION", "v23.0")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET")  # checks X-Hub-Signature-256 of webhook calls
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN")  # the token typed into Meta's webhook setup
# The language code the English templates were approved under at Meta ("en", "en_US" or "en_GB").
WHATSAPP_LANGUAGE_EN = env("WHATSAPP_LANGUAGE_EN", "en")
WHATSAPP_TIMEOUT = float(env("WHATSAPP_TIMEOUT", "10"))
# SMS through Zenziva (Indonesian gateway, "SMS Reguler" API; the masking API has the same form).
SMS_ZENZIVA_URL = env("SMS_ZENZIVA_URL", "https://console.zenziva.net/reguler/api/sendsms/")
SMS_ZENZIVA_USERKEY = env("SMS_ZENZIVA_USERKEY")
SMS_ZENZIVA_PASSKEY = env("SMS_ZENZIVA_PASSKEY")
SMS_TIMEOUT = float(env("SMS_TIMEOUT", "10"))
# Web Push (VAPID). Keys: `python manage.py generate_vapid_keys`; VAPID_PRIVATE_KEY is a PEM or the
# base64url P-256 scalar (VAPID_PRIVATE_KEY_FILE for a secret file). The subject is a contact
# push services may write to about our messages.
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env("VAPID_SUBJECT", "mailto:diskominfo@blitarkab.go.id")
# Where the portal may POST push messages: browsers' push services (".x" = x and its subdomains).
# A subscription to any other host is refused, so nobody can make the portal call an inner address.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,updates.push.services.mozilla.com,.push.apple.com,.notify.windows.com",
)
PUSH_TTL = env_int("PUSH_TTL", 24 * 3600)  # seconds a push service keeps a message for an offline device
PUSH_TIMEOUT = float(env("PUSH_TIMEOUT", "10"))
# Subscriptions that took no message for this many days (counted from creation if never) are deleted.
PUSH_SUBSCRIPTION_RETENTION_DAYS = env_int("PUSH_SUBSCRIPTION_RETENTION_DAYS", 180)

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    # One error body for every API error, documented on every operation (blitar_portal/core/api.py).
    "DEFAULT_SCHEMA_CLASS": "blitar_portal.core.api.ErrorAwareAutoSchema",
    "EXCEPTION_HANDLER": "blitar_portal.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "blitar_portal.core.parsers.ObjectJSONParser",
        "blitar_portal.core.parsers.TextFormParser",
        "blitar_portal.core.parsers.TextMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "blitar_portal.core.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Active on every API view; rates in RATE_LIMITS ("api-anon", "api-user"), counters shared
    # with the pages (blitar_portal.lib.ratelimit). Views add stricter groups with api_throttles().
    "DEFAULT_THROTTLE_CLASSES": [
        "blitar_portal.lib.ratelimit.AnonThrottle",
        "blitar_portal.lib.ratelimit.UserThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Smart City Kabupaten Blitar API",
    "DESCRIPTION": "API publik E-Health, 999 IKM Online dan Gerakan Bangga Menanam (klien aplikasi Android).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # No CDN: Swagger UI's files come from the drf-spectacular-sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The enum hook is drf-spectacular's default; ours documents 429 and 413 on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "blitar_portal.lib.ratelimit.document_limits",
    ],
    # Request bodies get their own components (…Request): what a client sends is documented apart
    # from what it receives (e.g. text without control characters, see blitar_portal.core.api).
    "COMPONENT_SPLIT_REQUEST": True,
    # Path parameters as Django's converters match them: anything else is a 404, not a value.
    "PATH_CONVERTER_OVERRIDES": {
        "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
        "str": {"type": "string", "pattern": "^[^/\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]+$"},
    },
}

# --- Security -------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the nodes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^livez$", r"^readyz$", r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)


def _tile_origin(url):
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else None


# The one Content-Security-Policy of every response (pages, admin, API docs). No
# inline script or style anywhere: scripts and styles are same-origin files only, so
# the code in a name stored as `<img onerror=…>` or `<script>…</script>` does not run
# even if a page ever slipped and wrote it as markup (pages write data as text; see
# tests/browser/test_no_script_from_data.py). django-leaflet's inline <script>s are replaced by
# templates/leaflet/ overrides plus static/js/leaflet-maps.js; the API docs use
# drf-spectacular's split Swagger view (its start-up code as a file) and
# templates/drf_spectacular/swagger_ui.html moves its inline <style> to a file;
# templates/rest_framework/api.html drops the browsable API's inline Pygments <style>;
# htmx's indicator <style> is switched off (ehealth board). No nonces either, so cached pages
# stay valid. Scripts may still set styles through the CSSOM (Leaflet does).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"] + ([_tile_origin(MAP_TILES_URL)] if _tile_origin(MAP_TILES_URL) else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, "https://wa.me", "https://api.whatsapp.com"],
    }
}

if MEDIA_S3_BUCKET:
    # Public renditions are served by the object storage (or its custom domain), not this host.
    _media_origin = (
        f"{env('MEDIA_S3_URL_PROTOCOL', 'https:')}//{env('MEDIA_S3_CUSTOM_DOMAIN')}"
        if env("MEDIA_S3_CUSTOM_DOMAIN")
        else _tile_origin(env("MEDIA_S3_ENDPOINT_URL") or f"https://{MEDIA_S3_BUCKET}.s3.amazonaws.com/")
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)

# --- Request ids, logging, error tracking ----------------------------------------
# One id per request: taken from nginx's X-Request-ID (a valid UUID) or generated, returned
# in the X-Request-ID response header, put on every log line and carried into the Celery
# tasks the request enqueues (and the tasks those enqueue).
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    # Celery: the id travels in the task message headers; workers log with LOGGING below.
    "INTEGRATIONS": [GuidCeleryIntegration(use_django_logging=True)],
}
# json: one JSON object per line (production default, for a log shipper); plain: for people.
LOG_FORMAT = env("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        # Every line is cleaned of e-mail addresses, phone numbers and NIK-like digit runs.
        "personal_data": {"()": "blitar_portal.lib.logmask.PersonalDataFilter"},
        "once_per_minute": {"()": "blitar_portal.lib.cache.OncePerMinuteFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "blitar_portal.cache.unavailable": {"filters": ["once_per_minute"]},
        # Django's own default handlers would print unfiltered lines: route it through ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Error tracking: only when SENTRY_DSN is set. No personal data is sent (UU PDP): no cookies,
# no user, no request bodies; the request id is a tag, so a report leads to its log lines.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk
    from django_guid import get_guid
    from sentry_sdk.integrations.celery import CeleryIntegration as SentryCeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration as SentryDjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
        integrations=[SentryDjangoIntegration(), SentryCeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
        before_send=lambda event, hint: {**event, "tags": {**dict(event.get("tags") or {}), "request_id": get_guid()}},
    )
