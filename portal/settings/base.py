"""Settings shared by every environment, read from the environment (django-environ).

Safe by default: with no variable set, the portal runs on a SQLite file, local private
files, console e-mail and SMS, and an embedded Celery broker (no server needed).
"""

import contextlib
import shutil
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("GUICHET_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
for _sub in ("", "celery/queue", "celery/control"):
    with contextlib.suppress(OSError):  # a read-only image: production sets its own paths
        (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "guardian",
    "axes",
    "captcha",
    "oauth2_provider",
    "core",
    "portal",
    "accounts",
    "benefits",
    "interim",
    "partners",
    "habilitations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.probes.ProbesMiddleware",  # the probes read no session (and /healthz no database)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.sessions.SessionMiddleware",  # Django's; the session's user read with it (Redis)
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.OTPMiddleware",  # django-otp's, its check kept in the session
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.CurrentOrganisationMiddleware",
    "accounts.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees every failed login the views report.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL never makes a request wait without end: connecting, each statement (server side) and each
# wait for an answer (client side: a server or network that swallows packets) are bounded, in seconds.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
DB_STATEMENT_TIMEOUT = env.int("DB_STATEMENT_TIMEOUT", default=20)
# 0 turns a bound off (a long migration: DB_STATEMENT_TIMEOUT=0 turns both the statement and read bounds off).
DB_READ_TIMEOUT = env.float("DB_READ_TIMEOUT", default=DB_STATEMENT_TIMEOUT + 5 if DB_STATEMENT_TIMEOUT else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "core.db.postgresql"  # Django's backend + the client-side read timeout
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": DB_CONNECT_TIMEOUT,
            "options": (
                f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000} "
                f"-c idle_in_transaction_session_timeout={max(60, DB_STATEMENT_TIMEOUT * 3) * 1000}"
            ),
            "read_timeout": DB_READ_TIMEOUT,
            # A dead peer (host down, cable cut) is noticed within seconds, not hours.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: wait for a lock rather than fail, one writer at a time.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis holds copies and queues only: each call is bounded (seconds), and the cache answers "miss"
# while Redis is unreachable (sessions then come from the database; see core/cache.py).
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
REDIS_RETRY_SECONDS = env.int("REDIS_RETRY_SECONDS", default=15)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "retry_seconds": REDIS_RETRY_SECONDS,
            },
        }
    }
else:
    # Shared between the web process and the embedded worker: a file cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.IdentifierBackend",
    "accounts.backends.TemporaryPasswordBackend",
    "django_otp_webauthn.backends.WebAuthnBackend",  # passkey sign-in (accounts.views.passkeys)
    "accounts.backends.MembershipPermissionBackend",
    "accounts.backends.GrantBackend",
]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "accounts.validators.SpacePolicyValidator"}]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)
TEMPORARY_PASSWORD_LIFETIME = timedelta(days=env.int("TEMPORARY_PASSWORD_DAYS", default=7))

# Sessions: idle timeout (cookie age renewed on each request) and absolute lifetime.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# Activity renews the idle timeout, but a session is written at most once a minute (not on every
# request: a write with a commit per page was most of a signed-in page's cost in the bench).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
# With Redis, sessions are read from the cache and written through to the database.
SESSION_ENGINE = "accounts.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lockout (django-axes): 5 failures for one identifier from one address lock both for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
# Behind N trusted reverse proxies, the client is the N-th address from the right of X-Forwarded-For.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.ratelimit.client_address"
# One counter per account whatever was typed (identifier or e-mail, any case).
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
# A locked client trying again does not push the end of its lock further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

CAPTCHA_FONT_SIZE = 30
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10
# Digits, spelled by the audio alternative (portal/captcha.py); flite (apt-get install flite) makes the
# audio route work: found on PATH unless CAPTCHA_FLITE_PATH says where ("" turns audio off).
CAPTCHA_CHALLENGE_FUNCT = "portal.captcha.digits_challenge"
CAPTCHA_FLITE_PATH = env.str("CAPTCHA_FLITE_PATH", default=shutil.which("flite") or "") or None
# espeak-ng (apt-get install espeak-ng) speaks the digits in French, and is used first when present.
CAPTCHA_ESPEAK_PATH = env.str("CAPTCHA_ESPEAK_PATH", default=shutil.which("espeak-ng") or "") or None
# django-simple-captcha offers the audio link (widget, refresh) only when CAPTCHA_FLITE_PATH is set: with
# espeak-ng alone, point it there (portal.views.captcha_audio then never hands the challenge to flite).
CAPTCHA_FLITE_PATH = CAPTCHA_FLITE_PATH or CAPTCHA_ESPEAK_PATH

OTP_TOTP_ISSUER = "Guichet"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (django-otp-webauthn, accounts.services.passkeys): the relying party is the portal's domain
# and the origins it is served from. Empty: the host of each request, which ALLOWED_HOSTS restricts
# (development, tests); production should set both.
OTP_WEBAUTHN_RP_ID = env.str("OTP_WEBAUTHN_RP_ID", default="")
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.services.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = "Guichet"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list("OTP_WEBAUTHN_ALLOWED_ORIGINS", default=[])
OTP_WEBAUTHN_HELPER_CLASS = "accounts.services.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = True
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "accounts.passkeys"

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "private"
MEDIA_URL = None  # Private files are never served by URL: see portal/files.py.

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="")
if AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
            "region_name": env.str("AWS_S3_REGION_NAME", default="us-east-1"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
    PRIVATE_FILES_SERVE = "s3"
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
    PRIVATE_FILES_SERVE = env.str("PRIVATE_FILES_SERVE", default="stream")  # "stream" or "accel"
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
PRIVATE_FILES_ACCEL_PREFIX = env.str("PRIVATE_FILES_ACCEL_PREFIX", default="/protected/")
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=40_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: console by default, SMTP by URL (smtp://user:password@host:587, smtp+tls://, smtps://),
# files with filemail://. Expressed as Django 6.1 MAILERS.
_email = env.email_url("EMAIL_URL", default=env.str("GUICHET_DEFAULT_EMAIL_URL", default="consolemail://"))
_email_options = {
    option: _email[key]
    for key, option in (
        ("EMAIL_HOST", "host"),
        ("EMAIL_PORT", "port"),
        ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"),
        ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"),
    )
    if _email.get(key) not in (None, "")
}
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    _email_options["timeout"] = 10
elif _email["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    _email_options = {"file_path": str(VAR_DIR / "mail")}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Guichet <ne-pas-repondre@guichet.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's public address, for links in e-mails (no request at hand in a task).
PORTAL_URL = env.str("PORTAL_URL", default="http://localhost:8000")

# SMS gateway behind a backend interface (portal/sms/), like Django's e-mail backends.
SMS_BACKEND = env.str("SMS_BACKEND", default="core.sms.backends.console.SmsBackend")
SMS_FILE_PATH = str(VAR_DIR / "sms")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="GUICHET")

# Espace intérimaire: the agency's seal on signed contracts (PAdES, pyHanko). Without a key and a
# certificate, a self-signed development certificate is generated on first use in var/signing/.
INTERIM_SEAL_KEY_FILE = env.str("INTERIM_SEAL_KEY_FILE", default="")
INTERIM_SEAL_CERT_FILE = env.str("INTERIM_SEAL_CERT_FILE", default="")
INTERIM_SEAL_KEY_PASSPHRASE = env.str("INTERIM_SEAL_KEY_PASSPHRASE", default="")
INTERIM_SEAL_CHAIN_FILES = env.list("INTERIM_SEAL_CHAIN_FILES", default=[])
INTERIM_SEAL_TSA_URL = env.str("INTERIM_SEAL_TSA_URL", default="")  # RFC 3161 timestamps (PAdES B-T)
INTERIM_PUBLIC_URL = env.str("INTERIM_PUBLIC_URL", default="")  # printed on certificate pages
INTERIM_SIGNATURE_MAX_PER_HOUR = env.int("INTERIM_SIGNATURE_MAX_PER_HOUR", default=5)
INTERIM_SIGNATURE_MAX_PER_DAY = env.int("INTERIM_SIGNATURE_MAX_PER_DAY", default=10)
INTERIM_SIGNATURE_DEADLINE_HOURS = env.int("INTERIM_SIGNATURE_DEADLINE_HOURS", default=48)
INTERIM_VERIFY_PER_HOUR = env.int("INTERIM_VERIFY_PER_HOUR", default=30)  # public verification, per address

# Celery: Redis when REDIS_URL is set, else an embedded broker on local files (no server).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # Publishing a task never blocks a request for long: short socket timeouts, one connection try.
    # A message not published stays in the outbox; deliver_pending_messages enqueues it again.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
# No result backend unless asked: no task's result is read, and a result backend's retries made
# each enqueue block for 19 s when Redis was unreachable.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")

# Content-Security-Policy (Django's own): no inline script, nonces where needed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Retention of the platform's own records (core.retention, daily job purge_old_records), in days.
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
JOBRUN_RETENTION_DAYS = env.int("JOBRUN_RETENTION_DAYS", default=90)
HEARTBEAT_RETENTION_DAYS = env.int("HEARTBEAT_RETENTION_DAYS", default=2)
# Evaluations (partners/evaluations/retention.py): health data kept this long after the evaluation is
# paid or cancelled, then anonymised by the daily job anonymise_evaluations (a dry run unless enabled).
PARTNERS_EVALUATION_RETENTION_DAYS = env.int("PARTNERS_EVALUATION_RETENTION_DAYS", default=5 * 365)
PARTNERS_EVALUATION_ANONYMISE = env.bool("PARTNERS_EVALUATION_ANONYMISE", default=False)

RATELIMIT_FORGOT_PASSWORD = (5, 15 * 60)  # (requests, seconds) per address and per identifier

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# django-guardian is asked through accounts.backends.GrantBackend (only for the permissions declared
# as per-object grants), which its check does not recognise as its own backend.
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:
    # django-otp-webauthn's check wants a list; without one our helper accepts the request's own origin.
    SILENCED_SYSTEM_CHECKS.append("otp_webauthn.E030")


# Espace Organismes: Guichet is the OpenID Connect provider of the catalogue's applications
# (django-oauth-toolkit; authorisation code with PKCE; RS256 ID tokens; short-lived tokens).
HABILITATIONS_WEBMASTER_EMAIL = env.str("HABILITATIONS_WEBMASTER_EMAIL", default="webmaster@ucanss.localhost")


def _oidc_private_key():
    """OIDC_RSA_PRIVATE_KEY (PEM) in production; in development a key generated once in VAR_DIR."""
    key = env.str("OIDC_RSA_PRIVATE_KEY", default="").replace("\\n", "\n")
    if key:
        return key
    path = VAR_DIR / "oidc_rsa_private.pem"
    if not path.exists():
        import os
        import tempfile

        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
            .decode()
        )
        with tempfile.NamedTemporaryFile("w", dir=VAR_DIR, delete=False) as handle:
            handle.write(pem)
        os.replace(handle.name, path)
    return path.read_text()


OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Nom et prénom",
        "email": "Adresse e-mail",
        "habilitations": "Organismes et droits sur l'application",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ACCESS_TOKEN_SECONDS", default=300),
    "ID_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ID_TOKEN_SECONDS", default=300),
    "REFRESH_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ROTATE_REFRESH_TOKEN": True,
    "OAUTH2_VALIDATOR_CLASS": "habilitations.sso.GuichetOAuth2Validator",
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OIDC_REDIRECT_SCHEMES", default=["https", "http"]),
}
