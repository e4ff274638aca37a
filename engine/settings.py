"""Settings read from the environment (MOTCUA_*), with embedded defaults for a pilot on SQLite."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET = "motcua-development-secret-change-me"
MIN_SECRET_BYTES = 32


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

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read MOTCUA_DATABASE_URL, MOTCUA_SECRET_KEY, MOTCUA_BPMN_DIR, MOTCUA_ENV."""
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
        }
        values.update(overrides)
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.production and settings.secret_key in ("", DEV_SECRET):
            raise RuntimeError("MOTCUA_SECRET_KEY must be set to a real secret in production")
        if len(settings.secret_key.encode()) < MIN_SECRET_BYTES:
            raise RuntimeError(
                f"MOTCUA_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes (HS256 tokens)"
            )
        return settings
