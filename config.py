"""Configuration: the only module that reads the environment.

`create_app(config_overrides)` starts from :class:`Config`, then applies the
overrides, which win over everything here.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("RECOVERY_DESK_INSTANCE", BASE_DIR / "instance"))


TRUE_WORDS = {"1", "true", "yes", "on"}


def _bool_env(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def _optional_bool_env(name: str) -> bool | None:
    """True/False when the variable is set (1/true/yes/on is true), None when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value.lower() in TRUE_WORDS if value else None


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _with_driver(url: str) -> str:
    """A PostgreSQL URL as SQLAlchemy names the psycopg 3 driver; others as given."""
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _with_driver(url)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'recovery_desk.sqlite3'}"


class Config:
    """Settings read from the environment when the app is created."""

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # SQL parameters (guests' phones and e-mails) stay out of logs and error messages.
        self.SQLALCHEMY_ENGINE_OPTIONS["hide_parameters"] = True
        # Optional: a read replica the live weekly report reads (core.replica); empty: the
        # primary database.
        self.REPORT_DATABASE_URL = _with_driver(os.environ.get("REPORT_DATABASE_URL", "").strip())
        # None (unset): `sla.scheduler.should_run_in_process` decides (on for `flask run`).
        self.SCHEDULER_ENABLED = _optional_bool_env("SCHEDULER_ENABLED")
        self.SMTP_URL = os.environ.get("SMTP_URL", "")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "recovery-desk@localhost")
        self.SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
        # Where customers' replies should go when a site has no intake address of its own.
        self.MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "")
        # IMAP mailbox the scheduler polls every minute for customers' mail (mail poll).
        self.IMAP_URL = os.environ.get("IMAP_URL", "")
        # Flask-Limiter storage: memory:// (one process) or redis://host:6379/0 (shared).
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # When that storage (Redis) cannot be reached, count in each process's memory until
        # it is back, instead of failing the request: rate limits are not worth an outage.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        # Always set: the limiter is one shared object, so an app created with limits off
        # (a test) must not leave them off for the next one.
        self.RATELIMIT_ENABLED = _bool_env("RATELIMIT_ENABLED", True)
        # X-RateLimit-Limit/-Remaining/-Reset on every limited answer (the API documents them).
        self.RATELIMIT_HEADERS_ENABLED = True
        # Flask-Limiter would also write its window's reset time into Retry-After on every
        # answer (even over a 503's own); the standard header is set by the 429 and 503
        # answers alone (core.errors), the limiter's copy goes under its own name.
        self.RATELIMIT_HEADER_RETRY_AFTER = "X-RateLimit-Retry-After"
        # Complaints one client address may send through the public form (POSTs).
        self.RATELIMIT_COMPLAINT = os.environ.get("RATELIMIT_COMPLAINT",
                                                  "5 per minute; 20 per hour")
        # Answers and messages one client address may send from status pages (POSTs).
        self.RATELIMIT_STATUS_PAGE = os.environ.get("RATELIMIT_STATUS_PAGE", "10 per minute")
        # Calls one API token may make (every endpoint together), and calls from one client
        # address whatever the token (bad tokens included).
        self.API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
        self.API_RATE_LIMIT_PER_ADDRESS = os.environ.get("API_RATE_LIMIT_PER_ADDRESS",
                                                         "1200 per minute")
        # Webhook endpoints must be https://; on, plain http:// is accepted too (a receiver
        # on the same machine, the tests). Off by default.
        self.WEBHOOKS_ALLOW_HTTP = _bool_env("WEBHOOKS_ALLOW_HTTP", False)
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0:
        # none). Rate limits and sign-in throttling count per client address: behind a proxy
        # set this, or every guest shares the proxy's address.
        proxies = os.environ.get("TRUSTED_PROXIES", "").strip()
        self.TRUSTED_PROXIES = int(proxies) if proxies.isascii() and proxies.isdigit() else 0
        self.MAIL_MAX_BYTES = 15 * 1024 * 1024  # bigger intake mail is held, not parsed
        # Behind HTTPS (either setting): Secure cookies and HSTS (core.security).
        scheme = os.environ.get("PREFERRED_URL_SCHEME", "").strip().lower()
        self.PREFERRED_URL_SCHEME = scheme or "http"
        self.SESSION_COOKIE_SECURE = (
            _bool_env("SESSION_COOKIE_SECURE", False) or self.PREFERRED_URL_SCHEME == "https"
        )
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Months without ticket activity after which a customer's personal data is erased
        # by the daily job (privacy.retention); unset or 0: never. Checked by the job.
        retention = os.environ.get("CUSTOMER_RETENTION_MONTHS", "").strip()
        self.CUSTOMER_RETENTION_MONTHS = (
            int(retention) if retention.isascii() and retention.isdigit() else retention or None
        )

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    TESTING = False
    BOOTSTRAP_SERVE_LOCAL = True
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("en", "zh_Hans")
    LOGIN_MAX_FAILURES_PER_USERNAME = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    PAGE_SIZE = 25
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # a 10 MB photo and the form around it

    def as_dict(self) -> dict:
        names = [n for n in dir(self) if n.isupper()]
        return {name: getattr(self, name) for name in names}
