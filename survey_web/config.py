"""Settings read from the environment, parsed strictly: a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from limits import parse_many

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"
STAFF_ROLES = ("admin", "quality", "dept_head", "volunteer", "commission", "complaints")


class ConfigError(RuntimeError):
    """Raised when an environment variable holds a value the app cannot use."""


def _raw(env: Mapping[str, str], name: str) -> str | None:
    """Return NAME, or the contents of the file named by NAME_FILE (Docker/K8s secrets)."""
    value = env.get(name)
    path = env.get(f"{name}_FILE")
    if value and path:
        raise ConfigError(f"{name} and {name}_FILE are both set; set only one")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path!r} cannot be read: {exc.strerror}") from exc
    return value if value not in (None, "") else None


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _raw(env, name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = _raw(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def env_url(env: Mapping[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    raw = _raw(env, name)
    if raw is None:
        return None
    if not raw.startswith(tuple(f"{s}://" for s in schemes)):
        raise ConfigError(f"{name} must start with one of {', '.join(s + '://' for s in schemes)}")
    return raw


def env_rate(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit such as "40/minute" (Flask-Limiter's notation); a typo must not switch limiting off."""
    raw = _raw(env, name) or default
    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a rate limit (write e.g. 40/minute or 300 per hour)") from None
    return raw


def env_roles(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated list of staff roles, each one the app knows ("none" for an empty list)."""
    raw = _raw(env, name)
    if raw is None:
        return default
    if raw.strip().lower() == "none":
        return ()
    roles = tuple(r.strip() for r in raw.split(",") if r.strip())
    unknown = sorted(set(roles) - set(STAFF_ROLES))
    if unknown:
        raise ConfigError(f"{name} names unknown roles: {', '.join(unknown)} (known: {', '.join(STAFF_ROLES)})")
    return roles


def _persisted_secret(instance: Path, filename: str, make: callable) -> str:
    """A secret generated once and kept under instance/ (embedded mode only)."""
    path = instance / filename
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(make(), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="utf-8").strip()


def _normalise_db_url(url: str) -> str:
    # psycopg 3 is the installed driver; accept the usual postgres:// spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    contact_keys: tuple[str, ...]
    public_base_url: str
    production: bool
    duplicate_window_hours: int = 24
    min_fill_seconds: int = 5
    rate_limit_point: str = "40/minute"
    rate_limit_ip: str = "300/minute"
    urgent_webhook_url: str | None = None
    urgent_ack_hours: int = 4
    problem_remind_days: int = 7
    rate_limit_receipt: str = "30/hour"
    retention_comment_days: int = 3 * 365
    retention_contact_days: int = 90
    instance_path: Path = DEFAULT_INSTANCE
    trusted_proxies: int = 0
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    healthz_token: str | None = None
    two_factor_roles: tuple[str, ...] = ("admin", "quality", "complaints")
    complaints_revisit_score: int = 2
    complaints_due_soon_days: int = 1
    complaints_escalate_days: int = 2
    complaints_head: str | None = None
    followup: Mapping[str, object] | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ENV (default: os.environ). Raises ConfigError on bad values."""
        env = os.environ if env is None else env
        production = env_bool(env, "PRODUCTION", False)
        instance = Path(_raw(env, "INSTANCE_PATH") or DEFAULT_INSTANCE)
        database_url = env_url(env, "DATABASE_URL", ("sqlite", "postgres", "postgresql", "postgresql+psycopg"))
        if database_url is None:
            instance.mkdir(parents=True, exist_ok=True)
            database_url = f"sqlite:///{instance / 'survey.db'}"

        secret_key = _raw(env, "SECRET_KEY")
        contact = _raw(env, "CONTACT_KEYS")
        if production and (not secret_key or not contact):
            raise ConfigError("PRODUCTION=true requires SECRET_KEY and CONTACT_KEYS (or their *_FILE forms)")
        if secret_key is None:
            secret_key = _persisted_secret(instance, "secret_key", lambda: secrets.token_urlsafe(48))
        if len(secret_key) < 24:
            raise ConfigError("SECRET_KEY must be at least 24 characters")
        if contact is None:
            contact = _persisted_secret(instance, "contact_key", lambda: Fernet.generate_key().decode())
        keys = tuple(k.strip() for k in contact.split(",") if k.strip())
        for key in keys:
            try:
                Fernet(key)
            except (ValueError, TypeError):
                raise ConfigError("CONTACT_KEYS holds a value that is not a Fernet key "
                                  "(make one with: python -c 'from cryptography.fernet import Fernet; "
                                  "print(Fernet.generate_key().decode())')") from None

        base = (_raw(env, "PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ConfigError("PUBLIC_BASE_URL must start with http:// or https://")
        if production and not base.startswith("https://"):
            # Without it the session cookie is not Secure and no HSTS header is sent.
            raise ConfigError("PRODUCTION=true requires an https:// PUBLIC_BASE_URL")
        healthz_token = _raw(env, "HEALTHZ_TOKEN")
        if healthz_token is not None and len(healthz_token) < 16:
            raise ConfigError("HEALTHZ_TOKEN must be at least 16 characters")

        return cls(
            database_url=_normalise_db_url(database_url),
            redis_url=env_url(env, "REDIS_URL", ("redis", "rediss", "unix")),
            secret_key=secret_key,
            contact_keys=keys,
            public_base_url=base,
            production=production,
            duplicate_window_hours=env_int(env, "DUPLICATE_WINDOW_HOURS", 24),
            min_fill_seconds=env_int(env, "MIN_FILL_SECONDS", 5),
            rate_limit_point=env_rate(env, "RATE_LIMIT_POINT", "40/minute"),
            rate_limit_ip=env_rate(env, "RATE_LIMIT_IP", "300/minute"),
            urgent_webhook_url=env_url(env, "URGENT_WEBHOOK_URL", ("http", "https")),
            urgent_ack_hours=env_int(env, "URGENT_ACK_HOURS", 4, minimum=1),
            problem_remind_days=env_int(env, "PROBLEM_REMIND_DAYS", 7, minimum=1),
            rate_limit_receipt=env_rate(env, "RATE_LIMIT_RECEIPT", "30/hour"),
            retention_comment_days=env_int(env, "RETENTION_COMMENT_DAYS", 3 * 365, minimum=1),
            retention_contact_days=env_int(env, "RETENTION_CONTACT_DAYS", 90, minimum=1),
            instance_path=instance,
            trusted_proxies=env_int(env, "TRUSTED_PROXIES", 0),
            session_idle_minutes=env_int(env, "SESSION_IDLE_MINUTES", 30, minimum=1),
            session_max_hours=env_int(env, "SESSION_MAX_HOURS", 12, minimum=1),
            healthz_token=healthz_token,
            two_factor_roles=env_roles(env, "TWO_FACTOR_ROLES", ("admin", "quality", "complaints")),
            complaints_revisit_score=env_int(env, "COMPLAINTS_REVISIT_SCORE", 2),
            complaints_due_soon_days=env_int(env, "COMPLAINTS_DUE_SOON_DAYS", 1),
            complaints_escalate_days=env_int(env, "COMPLAINTS_ESCALATE_DAYS", 2),
            complaints_head=_raw(env, "COMPLAINTS_HEAD"),
            followup=followup_settings(env),
        )

    def flask_config(self) -> dict:
        """The Flask config mapping derived from these settings."""
        secure = self.public_base_url.startswith("https://")
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "REDIS_URL": self.redis_url,
            "CONTACT_KEYS": self.contact_keys,
            "PUBLIC_BASE_URL": self.public_base_url,
            "DUPLICATE_WINDOW_HOURS": self.duplicate_window_hours,
            "MIN_FILL_SECONDS": self.min_fill_seconds,
            "RATE_LIMIT_POINT": self.rate_limit_point,
            "RATE_LIMIT_IP": self.rate_limit_ip,
            "PRODUCTION": self.production,
            "URGENT_WEBHOOK_URL": self.urgent_webhook_url,
            # An urgent comment not acknowledged within this many hours is highlighted in the inbox.
            "URGENT_ACK_HOURS": self.urgent_ack_hours,
            # Overdue ledger items get a reminder at most this often.
            "PROBLEM_REMIND_DAYS": self.problem_remind_days,
            # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none).
            "TRUSTED_PROXIES": self.trusted_proxies,
            # A staff session ends after this long without a request, and at the latest this long after sign-in.
            "SESSION_IDLE_MINUTES": self.session_idle_minutes,
            "PERMANENT_SESSION_LIFETIME": self.session_max_hours * 3600,
            "HEALTHZ_TOKEN": self.healthz_token,
            # Roles that must use a second factor (TOTP) at sign-in; others may enrol.
            "TWO_FACTOR_ROLES": self.two_factor_roles,
            # Receipt-code attempts per address; free text and contacts kept this many days (privacy/retention.py).
            "RATE_LIMIT_RECEIPT": self.rate_limit_receipt,
            "RETENTION_COMMENT_DAYS": self.retention_comment_days,
            "RETENTION_CONTACT_DAYS": self.retention_contact_days,
            # A survey response whose overall score is at most this (1-5) and that left a contact with
            # consent becomes a 回访 case; 0 turns the rule off (complaints/revisit.py).
            "COMPLAINTS_REVISIT_SCORE": self.complaints_revisit_score,
            # Open cases this many working days or fewer before their deadline are "due soon" and reminded;
            # overdue cases this many working days past it are escalated to the office head (COMPLAINTS_HEAD,
            # a username; without one the escalation goes to every complaint-office account).
            "COMPLAINTS_DUE_SOON_DAYS": self.complaints_due_soon_days,
            "COMPLAINTS_ESCALATE_DAYS": self.complaints_escalate_days,
            "COMPLAINTS_HEAD": self.complaints_head,
            **(self.followup or followup_settings({})),
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": secure,
            "WTF_CSRF_TIME_LIMIT": 6 * 3600,
            "MAX_CONTENT_LENGTH": 256 * 1024,
            "BABEL_DEFAULT_LOCALE": "zh_CN",
            "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        }


SMS_TEMPLATE = "【{hospital}】{name}您好，您已出院数日，请花2分钟评价住院体验：{link} 退订：{optout}"
EMAIL_TEMPLATE = ("{name}您好：\n\n您近日从{hospital}{ward}出院。请花约 2 分钟填写匿名的出院随访调查：\n{link}\n\n"
                  "不想再收到邀请请点击：{optout}\n")


def followup_settings(env: Mapping[str, str]) -> dict:
    """The discharge follow-up's channels and periods (campaigns/, channels/): FOLLOWUP_* variables."""
    return {
        "FOLLOWUP_SMS_URL": env_url(env, "FOLLOWUP_SMS_URL", ("http", "https")),
        "FOLLOWUP_SMS_KEY": _raw(env, "FOLLOWUP_SMS_KEY"),
        "FOLLOWUP_SMS_TEMPLATE": _raw(env, "FOLLOWUP_SMS_TEMPLATE") or SMS_TEMPLATE,
        "FOLLOWUP_SMS_RATE": env_rate(env, "FOLLOWUP_SMS_RATE", "20/second"),
        "FOLLOWUP_SMTP_HOST": _raw(env, "FOLLOWUP_SMTP_HOST"),
        "FOLLOWUP_SMTP_PORT": env_int(env, "FOLLOWUP_SMTP_PORT", 25, minimum=1),
        "FOLLOWUP_SMTP_FROM": _raw(env, "FOLLOWUP_SMTP_FROM") or "followup@hospital.invalid",
        "FOLLOWUP_EMAIL_TEMPLATE": _raw(env, "FOLLOWUP_EMAIL_TEMPLATE") or EMAIL_TEMPLATE,
        "FOLLOWUP_EMAIL_RATE": env_rate(env, "FOLLOWUP_EMAIL_RATE", "5/second"),
        "FOLLOWUP_SEND_TIMEOUT": env_int(env, "FOLLOWUP_SEND_TIMEOUT", 10, minimum=1),
        # A batch's claimed messages go back to the queue this long after a dead worker took them.
        "FOLLOWUP_LEASE_SECONDS": env_int(env, "FOLLOWUP_LEASE_SECONDS", 300, minimum=1),
        "FOLLOWUP_REMINDER_DAYS": env_int(env, "FOLLOWUP_REMINDER_DAYS", 7, minimum=1),
        "FOLLOWUP_RETENTION_DAYS": env_int(env, "FOLLOWUP_RETENTION_DAYS", 30, minimum=0),
    }


def engine_options(url: str) -> dict:
    """Pool settings for URL's database."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 15}}
    # No pre-ping: it costs a round trip on every checkout. After a PostgreSQL restart the first statement
    # on a dead connection fails, SQLAlchemy sees the disconnect and invalidates the whole pool, and that one
    # request gets the 503 "try again" page (the survey keeps the answers); the next one reconnects.
    return {"pool_size": 10, "max_overflow": 10, "pool_recycle": 1800, "connect_args": {"connect_timeout": 3}}
