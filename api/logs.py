"""Logging for operators: one line format, and no personal ID number or credential in any line.

The code logs no dossier data on purpose (SQL parameters are hidden too: engine.adapters.
database). As defence in depth, every handler the API, the worker and gunicorn write through
carries RedactingFilter: 12-digit numbers (a citizen's ID, CCCD / số định danh cá nhân),
``Bearer ...`` credentials and JWT-shaped strings are replaced, in the message, its arguments,
and any traceback. SQLAlchemy's engine logger stays at WARNING: at INFO it prints statements,
at DEBUG the rows themselves, which hold names and addresses.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
# Loggers whose output at INFO or below is data itself (statements, result rows).
DATA_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm")


def redact(text: str) -> str:
    """The text with ID numbers, bearer credentials and JWTs replaced."""
    text = BEARER.sub("Bearer [redacted]", text)
    text = JWT.sub("[redacted-jwt]", text)
    return ID_NUMBER.sub("[redacted-id]", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback, redacted."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: show it raw, still redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redaction(*loggers: logging.Logger) -> None:
    """Put the filter on every handler of the root logger and of the given loggers (once)."""
    for logger in (logging.getLogger(), *loggers):
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())


def configure_logging(
    level: str = "INFO", stream: TextIO | None = None, *, force: bool = False
) -> None:
    """The command line's logging: one redacting handler on the root logger.

    Where logging is set up already (a process embedding the CLI, a test run) it only adds
    the redaction to the handlers there, unless `force` replaces them.
    """
    root = logging.getLogger()
    if root.handlers and not force:
        install_redaction()
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter())
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    for name in DATA_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def gunicorn_logconfig(level: str = "INFO") -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: its error and access logs and the app's, all redacted."""
    handler = {"formatter": "generic", "filters": ["redact"], "class": "logging.StreamHandler"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactingFilter}},
        "formatters": {"generic": {"format": FORMAT, "class": "logging.Formatter"}},
        "handlers": {
            "console": {**handler, "stream": "ext://sys.stdout"},
            "error_console": {**handler, "stream": "ext://sys.stderr"},
        },
        "root": {"level": level.upper(), "handlers": ["error_console"]},
        "loggers": {
            "gunicorn.error": {
                "level": level.upper(),
                "handlers": ["error_console"],
                "propagate": False,
            },
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
            **{name: {"level": "WARNING"} for name in DATA_LOGGERS},
        },
    }
