"""Settings for mistralnews, read from the environment.

Every setting an operator may change is an environment variable listed in docs/settings.md.
Local development sets DJANGO_DEBUG=1 and gets safe defaults; with DEBUG off (production)
the secret key, allowed hosts, site URL and email settings must be given, or the site refuses to
start.
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
    # The development server's address: `make run` serves on PORT (8000 unless told).
    _port = env.int("PORT", default=8000)
    SITE_URL = env.str("DJANGO_SITE_URL", default=f"http://127.0.0.1:{_port}")
    # Emails are printed where the task worker runs (`make run`'s terminal).
    EMAIL_URL = env.str("EMAIL_URL", default="") or "consolemail://"
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="") or "news@localhost"
else:
    _missing = [
        name
        for name in (
            "DJANGO_SECRET_KEY",
            "DJANGO_ALLOWED_HOSTS",
            "DJANGO_SITE_URL",
            "EMAIL_URL",
            "DEFAULT_FROM_EMAIL",
        )
        if not env.str(name, default="")
    ]
    if _missing:
        *_first, _last = _missing
        _names = f"{', '.join(_first)} and {_last}" if _first else _last
        raise ImproperlyConfigured(
            f"{_names} must be set when DJANGO_DEBUG is off (production). "
            "For local development set DJANGO_DEBUG=1."
        )
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    # The site's origin, e.g. https://news.example.org (no trailing slash): every absolute URL
    # it prints starts with it, whatever Host a request names (mistralnews/site_url.py).
    SITE_URL = env.str("DJANGO_SITE_URL")
    # No console fallback: readers' verification links would end up in the server's log
    # instead of their mailbox. `consolemail://` says so on purpose (outbox/checks.py).
    EMAIL_URL = env.str("EMAIL_URL")
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL")

INSTALLED_APPS = [
    # Before the admin, whose templates it extends.
    "desk",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "axes",
    # Two-factor login for the desk (mistralnews/two_factor.py): TOTP devices.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "freshness",
    "clients",
    "articles",
    "comments",
    "snapshots",
    # Background work: Django's tasks API (the django-tasks backport until Django 6) with tasks
    # stored in the database, and the email the site sends through it.
    "django_tasks",
    "django_tasks_db",
    "outbox",
    # Realistic data sets for measuring the site at size (generate_newsroom); no pages.
    "newsroom",
    # Reply, moderation and follow notices by email (comments and outbox below it).
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, feeds and the sitemap, gzipped for clients that accept it (with Django's
    # random-length padding against BREACH). Below WhiteNoise, whose static files are compressed
    # once by collectstatic and answered before this runs; above every middleware that reads or
    # changes the body, so it compresses the final one.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which sessions gave their second factor; staff ones that did not are sent to it.
    "django_otp.middleware.OTPMiddleware",
    "mistralnews.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Last, so the lockout page it puts in place of the login page gets every header above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mistralnews.urls"

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
                "mistralnews.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "mistralnews.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Each server process keeps its connection between requests. On SQLite this also keeps the
# WAL open: closing the last connection checkpoints and deletes it, which cost more than
# the rest of a request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several server processes post comments at once. WAL lets pages be read while one of
    # them writes; IMMEDIATE takes the write lock when a transaction begins, so a second writer
    # waits its turn (up to `timeout` seconds, SQLite's busy timeout) instead of failing with
    # "database is locked" when it upgrades a read lock mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }

# Pages are cached under the versions of what they show (freshness/), so this only bounds how
# long an unused copy is kept; 0 turns page caching off.
PAGE_CACHE_TIMEOUT = env.int("DJANGO_PAGE_CACHE_TIMEOUT", default=24 * 3600)

# Redis, when given, is the cache and the rate-limit counter shared by every server process
# and machine. Otherwise pages are cached in files, shared by the server processes of one
# machine and kept out of their memory (each process's own memory cache held 300 pages and
# grew it past 80 MB), and rate limits are counted in the database.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            # In the project folder, like the SQLite database: the site's user owns it, and no
            # one else may write there (entries are unpickled; not a shared folder like /tmp).
            "LOCATION": env.str("DJANGO_CACHE_DIR", default=str(BASE_DIR / "cache")),
            "OPTIONS": {
                # Entries: four per article page (the page and its fragments), one per list
                # page; two and a half times what a crawl of 2,000 article pages stores.
                "MAX_ENTRIES": env.int("DJANGO_CACHE_MAX_ENTRIES", default=20_000),
                # Full, the cache deletes a third of its entries, picked at random.
                "CULL_FREQUENCY": 3,
            },
        }
    }

# Each server process also keeps the copies it served last in its own memory, in front of the
# shared cache above (freshness.pages): a hit there reads no file and asks no Redis. Copies are
# keyed by versions read from the database on every request, so this is as exact as the shared
# cache; the entry count bounds each process's memory (article pages are at most about 130 KB).
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "mistralnews-pages",
    "OPTIONS": {"MAX_ENTRIES": 60, "CULL_FREQUENCY": 3},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out login before a password is checked.
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

LANGUAGE_CODE = "en"
# The time zone of the times readers see, labelled (an IANA name such as Europe/Paris; Django
# refuses to start with an unknown one). Comment cards keep the zone they were made in.
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts the files WhiteNoise serves.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded files (lead images and their variants), through Django's storage API: served by
# Django with DJANGO_DEBUG=1 (`make run`), by the reverse proxy in production (WhiteNoise serves
# static files only; deploy/nginx.conf), and saved by `make backup` beside the database.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes content-hashed, compressed copies; WhiteNoise serves them with
    # far-future cache headers. With DJANGO_DEBUG=1 the source files are served as they are.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Or in an S3-compatible bucket (django-storages, the `s3` extra), which every app server and
# task worker share; readers fetch the files from its public address (MEDIA_URL), which the
# Content-Security-Policy below then allows for images. docs/operations.md has the rest.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    if not (find_spec("storages") and find_spec("boto3")):
        raise ImproperlyConfigured(
            "MEDIA_S3_BUCKET is set, but django-storages and boto3 are not installed: install "
            "the site with its s3 extra (pip install -e '.[s3]'; make serve does it for you)."
        )
    _endpoint = env.str("MEDIA_S3_ENDPOINT_URL", default="").rstrip("/")
    _region = env.str("MEDIA_S3_REGION", default="")
    # The operator's own domain (or CDN) for the bucket, else the bucket's address at the
    # endpoint (path-style, which every S3-compatible service answers), else AWS's.
    _public = env.str("MEDIA_S3_PUBLIC_URL", default="").rstrip("/")
    if not _public and _endpoint:
        _public = f"{_endpoint}/{MEDIA_S3_BUCKET}"
    elif not _public and _region:
        _public = f"https://{MEDIA_S3_BUCKET}.s3.{_region}.amazonaws.com"
    elif not _public:
        raise ImproperlyConfigured(
            "MEDIA_S3_BUCKET needs MEDIA_S3_ENDPOINT_URL (an S3-compatible service), "
            "MEDIA_S3_REGION (AWS) or MEDIA_S3_PUBLIC_URL to say where the bucket is."
        )
    _public_parts = urlsplit(_public)
    if (
        _public_parts.scheme not in ("http", "https")
        or not _public_parts.hostname
        or "@" in _public_parts.netloc
        or _public_parts.query
        or _public_parts.fragment
    ):
        raise ImproperlyConfigured(
            f"The media bucket's public address {_public!r} (MEDIA_S3_PUBLIC_URL, or "
            "MEDIA_S3_ENDPOINT_URL and the bucket) must be http(s)://host[/path], without a "
            "user, query or fragment."
        )
    if urlsplit(SITE_URL).scheme == "https" and _public_parts.scheme != "https":
        raise ImproperlyConfigured(
            f"The media bucket's public address {_public!r} must use https, as the site does: "
            "browsers do not show plain-http images on an https page."
        )
    _access_key = env.str("MEDIA_S3_ACCESS_KEY_ID", default="")
    _secret_key = env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="")
    if bool(_access_key) != bool(_secret_key):
        raise ImproperlyConfigured(
            "Set both MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY, or neither (boto3 "
            "then finds credentials itself: AWS_* variables, a profile, an instance role)."
        )
    MEDIA_URL = f"{_public}/"
    from botocore.config import Config as _BucketClientConfig

    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": _endpoint or None,
            "region_name": _region or None,
            "client_config": _BucketClientConfig(
                s3={"addressing_style": "path" if _endpoint else "auto"},
                # An upload in the desk holds a web worker: a bucket that does not answer
                # fails it in seconds, not after boto3's minutes of waiting and retrying.
                connect_timeout=5,
                read_timeout=20,
                retries={"mode": "standard", "max_attempts": 3},
            ),
            **({"access_key": _access_key, "secret_key": _secret_key} if _access_key else {}),
            # A file's URL is MEDIA_URL and its name: made without signing a request, and
            # public, as the bucket's policy makes its files (docs/operations.md).
            "custom_domain": _public_parts.netloc + _public_parts.path,
            "url_protocol": f"{_public_parts.scheme}:",
            "querystring_auth": False,
            # An upload never replaces a stored file (a taken name gets a suffix, as on disk),
            # so browsers may keep a file 30 days, as nginx lets them keep local ones.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
            # No x-amz-acl header: the bucket policy decides, unless a service needs one.
            "default_acl": env.str("MEDIA_S3_ACL", default="") or None,
        },
    }

# HTTPS. Behind a proxy that terminates TLS, trust its X-Forwarded-Proto header
# (DJANGO_SECURE_PROXY_SSL_HEADER=1), or Django takes its requests for plain HTTP (redirect
# loops, CSRF origin failures); the proxy may then redirect itself (DJANGO_SECURE_SSL_REDIRECT=0).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer checks /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
# HSTS is sent over HTTPS only. A year is what browsers' preload lists ask for. Subdomains and
# preloading bind every host of the domain, so they are the domain owner's choice, not ours.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Proxies of ours in front of the site: a client's address is the X-Forwarded-For entry the
# outermost of them added (see clients/identity.py), not REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Login throttling (django-axes, mistralnews/login_throttling.py): a username is locked for one
# client after LOGIN_FAILURE_LIMIT wrong passwords, each within LOGIN_COOLOFF_MINUTES of the one
# before, until LOGIN_COOLOFF_MINUTES after the last of them. Attempts are database rows, so
# every server process and machine counts the same ones.
LOGIN_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_COOLOFF_MINUTES must be 1 or more."
    )
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Locking a username everywhere would let anyone lock an editor out; a client alone, every
# editor behind one office address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A successful login forgets that username's failures from that client. Tries during a lock
# are refused without being recorded: each would add its form data to the stored row, and
# restart the cool-off of a user who only tried again.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Axes gets a pseudonym, never the client's address (see login_throttling.client_pseudonym).
AXES_CLIENT_IP_CALLABLE = "mistralnews.login_throttling.client_pseudonym"
AXES_CLIENT_STR_CALLABLE = "mistralnews.login_throttling.describe_client"
AXES_LOCKOUT_CALLABLE = "mistralnews.login_throttling.lockout_response"
# Failures only: no record of successful logins, logouts or each failure kept for ever.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Form fields axes keeps with an attempt are masked for these (and the password).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]

# Nothing runs or loads but our own files: no inline scripts or styles, no other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        # And the media bucket's address, when uploads are kept in one.
        "img-src": [SELF, *([MEDIA_URL] if MEDIA_S3_BUCKET else [])],
        # The site's own scripts may fetch from it (and tools may read robots.txt).
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
# Browser features the site never uses, off for every page and anything it might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# In production, errors (a 500's traceback, a refused host) go to stderr, which gunicorn keeps
# as its error log; Django's default would only mail them to ADMINS. Nothing below ERROR is
# logged, so a reader's request leaves no trace. DJANGO_DEBUG=1 keeps Django's console logging.
if not DEBUG:
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"client_mistake": {"()": "mistralnews.logs.ClientMistake"}},
        "formatters": {"line": {"format": "{levelname} {name}: {message}", "style": "{"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler"},
            "stderr_line": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "filters": ["client_mistake"],
            },
        },
        "loggers": {
            "django": {"handlers": ["stderr"], "level": "ERROR"},
            # Bad Host, oversized bodies, too many fields: one line each (mistralnews/logs.py).
            "django.security": {
                "handlers": ["stderr_line"],
                "level": "WARNING",
                "propagate": False,
            },
            # Failed desk logins and lockouts, with a pseudonym for the client (AXES_* above).
            "axes": {"handlers": ["stderr"], "level": "WARNING"},
        },
    }

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Tags are matched case-insensitively so "#MistralAI" and "mistralai" are one tag.
TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = env.str("SITE_NAME", default="mistralnews")
# Staff give a code from an authenticator app after their password (mistralnews/two_factor.py):
# required in production unless turned off, which only a site without editors should do.
DESK_REQUIRE_2FA = env.bool("DJANGO_DESK_REQUIRE_2FA", default=not DEBUG)
# The name authenticator apps show the desk's codes under.
OTP_TOTP_ISSUER = SITE_NAME

# The publisher's logo in articles' JSON-LD: a static file's path or an absolute URL.
PUBLISHER_LOGO = env.str("PUBLISHER_LOGO", default="img/logo.png")

# Lead images (articles/images.py): uploads larger than this many bytes or pixels are refused
# before they are decoded (the pixel limit is Pillow's decompression-bomb guard too, and bounds
# the memory one upload takes); accepted ones are stored without their metadata, turned upright,
# and get WebP copies this many pixels wide from the task worker.
LEAD_IMAGE_MAX_BYTES = env.int("LEAD_IMAGE_MAX_MB", default=10) * 1024 * 1024
LEAD_IMAGE_MAX_PIXELS = env.int("LEAD_IMAGE_MAX_PIXELS", default=40_000_000)
LEAD_IMAGE_WIDTHS = (480, 960, 1600)

# Background work (outbox/, docs/operations.md): tasks wait in the database until a worker
# (`manage.py db_worker`) runs them, so none is lost while no worker runs. Tests use the same
# backend and run the tasks themselves.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email, from one URL (django-environ): smtp+tls://user:pass@host:587 (STARTTLS) or
# smtp+ssl://user:pass@host:465 (TLS from the start) in production; smtp:// only to a relay on
# this machine; consolemail:// prints them. outbox/checks.py reports a URL it cannot use.
try:
    _email = environ.Env.email_url_config(EMAIL_URL)
except (ImproperlyConfigured, ValueError):
    _email = None  # reported by the check, which names what is wrong
if _email:
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
    EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
    EMAIL_PORT = _email["EMAIL_PORT"] or (465 if EMAIL_USE_SSL else 587 if EMAIL_USE_TLS else 25)
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
# Seconds one exchange with the mail server may take; Django's default waits for ever, and a
# worker stuck on a silent server sends nothing else.
EMAIL_TIMEOUT = 30

# Comments: "first-time" holds comments from an email with no approved comment yet,
# "all" holds every comment, "open" publishes at once (see comments/moderation.py).
COMMENTS_MODERATION = env.str("COMMENTS_MODERATION", default="first-time")
# Comments close by themselves this many days after an article's publication (0: never); an
# article may set its own number in the desk.
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0)
# Editors' email digest of comments waiting for moderation: at most one every so many minutes,
# and only when comments arrived since the last (desk/alerts.py); 0 turns it off.
DESK_DIGEST_MINUTES = env.int("DESK_DIGEST_MINUTES", default=30)
# Days after which a comment's IP hash, and its email address unless it was verified, are
# erased (manage.py erase_expired_personal_data, run daily by the task worker's timer).
COMMENTS_RETENTION_DAYS = env.int("COMMENTS_RETENTION_DAYS", default=180)
# How often one client (clients.identity) may post a comment: comma-separated count/period
# rates (s, m, h), or "off". Each rate limit of clients.limits has a setting like this one.
COMMENTS_RATE_LIMIT = env.str("COMMENTS_RATE_LIMIT", default="1/15s,5/10m")
# The same for comments whose address is verified in the browser they come from: counted per
# address, so readers who share a network do not share a limit.
COMMENTS_ADDRESS_RATE_LIMIT = env.str("COMMENTS_ADDRESS_RATE_LIMIT", default="1/15s,5/10m")
# Minutes after posting in which a commenter may edit their comment (comments/editing.py);
# 0 turns editing off. Withdrawing is possible at any time. A value that is not a whole number
# is kept as it is, for the system check to report.
COMMENTS_EDIT_WINDOW = env.str("COMMENTS_EDIT_WINDOW", default="15").strip()
if COMMENTS_EDIT_WINDOW.isdigit():
    COMMENTS_EDIT_WINDOW = int(COMMENTS_EDIT_WINDOW)
# Verification emails: at most so many to one address, and asked for from one network.
COMMENTS_VERIFICATION_ADDRESS_LIMIT = env.str(
    "COMMENTS_VERIFICATION_ADDRESS_LIMIT", default="3/24h"
)
COMMENTS_VERIFICATION_NETWORK_LIMIT = env.str(
    "COMMENTS_VERIFICATION_NETWORK_LIMIT", default="20/24h"
)
# Recommendations (and taking them back) per client network (comments/recommending.py).
COMMENTS_RECOMMEND_LIMIT = env.str("COMMENTS_RECOMMEND_LIMIT", default="10/1m,60/24h")
# Reports per client network, and the reports from different networks that hold a comment
# until an editor decides (comments/reporting.py).
COMMENTS_REPORT_LIMIT = env.str("COMMENTS_REPORT_LIMIT", default="5/10m,20/24h")
COMMENTS_REPORT_HOLD = env.int("COMMENTS_REPORT_HOLD", default=3)

# Notices (notices/, docs/notices.md). Replies to one comment that arrive within this many
# minutes of the first are sent together, in one email; 0 sends each reply at once.
NOTICES_REPLY_DIGEST_MINUTES = env.int("NOTICES_REPLY_DIGEST_MINUTES", default=5)
# Requests to follow a discussion by email from one network (clients.limits).
NOTICES_FOLLOW_RATE_LIMIT = env.str("NOTICES_FOLLOW_RATE_LIMIT", default="5/10m,20/24h")
