"""Settings read from the environment (MOTCUA_*), with embedded defaults for a pilot on SQLite."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from pathlib import Path

DEV_SECRET = "motcua-development-secret-change-me"
MIN_SECRET_BYTES = 32
DEFAULT_RATE_LIMIT = "600 per minute"


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs."""

    database_url: str
    secret_key: str
    token_issuer: str = "motcua"
    token_audience: str = "motcua-api"
    bpmn_dir: Path | None = None
    production: bool = False
    max_request_bytes: int = 2 * 1024 * 1024
    # Days a finished case's history is kept at least; None keeps it for ever (audit purge).
    audit_retention_days: int | None = None
    sla_warn_share: Decimal = Decimal("0.75")
    # JSON file: {"UNIT-CODE": {"periods": [["07:30", "11:30"], ...], "weekdays": [...]}}
    office_hours_file: Path | None = None
    # Messaging (engine.services.messaging): portal sync, webhooks by message name, retries.
    portal_url: str | None = None
    webhooks: dict[str, str] | None = None
    webhook_secret: str | None = None
    message_ttl_hours: float = 168.0
    outbox_max_attempts: int = 6
    # Working time within which the receiving agency must take a handoff up ("off": no rule).
    handoff_ack_allotment: str = "2WH"
    # Tokens signed by an identity provider (Keycloak, any OIDC): its public keys as a JWKS file.
    jwks_file: Path | None = None
    # Requests per token subject (or remote address); flask-limiter syntax, "" switches it off.
    rate_limit: str = DEFAULT_RATE_LIMIT
    rate_limit_storage: str = "memory://"
    # Reverse proxies in front of the API whose X-Forwarded-For is trusted (0: none).
    proxy_hops: int = 0
    # JSON file: the unit directory (province of each unit, province-wide receiving counters).
    units_file: Path | None = None
    # When (HH:MM, Vietnam time) the worker records the daily audit digest; "off": it does not.
    digest_at: str = "23:30"

    @property
    def digest_time(self) -> time | None:
        """MOTCUA_DIGEST_AT as a time of day; None when switched off."""
        text = self.digest_at.strip().lower()
        if text in ("", "off", "none"):
            return None
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise RuntimeError(
                f"MOTCUA_DIGEST_AT must be a time of day such as 23:30, or off (got {text!r})"
            ) from None

    @property
    def hs256_enabled(self) -> bool:
        """HS256 tokens are verified unless production runs on the development secret (JWKS only)."""
        return not (self.production and self.secret_key in ("", DEV_SECRET))

    @property
    def rate_limit_enabled(self) -> bool:
        """False when MOTCUA_RATE_LIMIT is empty or "off"."""
        return self.rate_limit.strip().lower() not in ("", "off", "none")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read the MOTCUA_* variables (README: "For operators"); refuse what cannot work."""
        env = os.environ
        bpmn = env.get("MOTCUA_BPMN_DIR")
        values: dict[str, object] = {
            "database_url": env.get("MOTCUA_DATABASE_URL")
            or f"sqlite:///{Path.cwd() / 'motcua.db'}",
            "secret_key": env.get("MOTCUA_SECRET_KEY", DEV_SECRET),
            "token_issuer": env.get("MOTCUA_TOKEN_ISSUER", "motcua"),
            "token_audience": env.get("MOTCUA_TOKEN_AUDIENCE", "motcua-api"),
            "bpmn_dir": Path(bpmn) if bpmn else None,
            "production": env.get("MOTCUA_ENV", "development") == "production",
            "audit_retention_days": (
                int(env["MOTCUA_AUDIT_RETENTION_DAYS"])
                if env.get("MOTCUA_AUDIT_RETENTION_DAYS")
                else None
            ),
            "sla_warn_share": Decimal(env.get("MOTCUA_SLA_WARN_SHARE", "0.75")),
            "office_hours_file": Path(env["MOTCUA_OFFICE_HOURS"])
            if env.get("MOTCUA_OFFICE_HOURS")
            else None,
            "portal_url": env.get("MOTCUA_PORTAL_URL") or None,
            "webhooks": _webhooks(env.get("MOTCUA_WEBHOOKS", "")),
            "webhook_secret": env.get("MOTCUA_WEBHOOK_SECRET") or None,
            "message_ttl_hours": float(env.get("MOTCUA_MESSAGE_TTL_HOURS", "168")),
            "outbox_max_attempts": int(env.get("MOTCUA_OUTBOX_MAX_ATTEMPTS", "6")),
            "handoff_ack_allotment": env.get("MOTCUA_HANDOFF_ACK_ALLOTMENT", "2WH").strip(),
            "jwks_file": _path(env.get("MOTCUA_JWKS_FILE")),
            "rate_limit": env.get("MOTCUA_RATE_LIMIT", DEFAULT_RATE_LIMIT).strip(),
            "rate_limit_storage": env.get("MOTCUA_RATE_LIMIT_STORAGE") or "memory://",
            "proxy_hops": int(env.get("MOTCUA_PROXY_HOPS", "0")),
            "units_file": _path(env.get("MOTCUA_UNITS_FILE")),
            "digest_at": env.get("MOTCUA_DIGEST_AT", "23:30"),
        }
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.production:
            _check_production(settings)
        _ = settings.digest_time  # refuses a malformed MOTCUA_DIGEST_AT at start
        if settings.proxy_hops < 0:
            raise RuntimeError("MOTCUA_PROXY_HOPS must be 0 or more")
        if not Decimal(0) < settings.sla_warn_share < Decimal(1):
            raise RuntimeError("MOTCUA_SLA_WARN_SHARE must be a fraction between 0 and 1")
        if len(settings.secret_key.encode()) < MIN_SECRET_BYTES:
            raise RuntimeError(
                f"MOTCUA_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes (HS256 tokens)"
            )
        return settings


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def _check_production(settings: Settings) -> None:
    """Production verifies tokens with a real secret or the identity provider's keys, or not at all.

    With only a JWKS file the development secret stays in the settings but verifies nothing
    (api.auth turns HS256 off); it must then not sign webhooks either.
    """
    dev_secret = settings.secret_key in ("", DEV_SECRET)
    if dev_secret and settings.jwks_file is None:
        raise RuntimeError(
            "production needs MOTCUA_SECRET_KEY set to a real secret (HS256 tokens) or "
            "MOTCUA_JWKS_FILE (tokens of an identity provider, RS256/ES256)"
        )
    if dev_secret and (settings.webhooks or settings.portal_url) and not settings.webhook_secret:
        raise RuntimeError(
            "production signs webhooks with MOTCUA_WEBHOOK_SECRET (or MOTCUA_SECRET_KEY): set one"
        )


def _webhooks(text: str) -> dict[str, str]:
    """MOTCUA_WEBHOOKS: `name=url` pairs separated by commas (message name -> receiving URL)."""
    found = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, url = item.partition("=")
        if not sep or not name.strip() or not url.strip().startswith(("http://", "https://")):
            raise RuntimeError(f"MOTCUA_WEBHOOKS: {item!r} is not name=http(s)://url")
        found[name.strip()] = url.strip()
    return found
