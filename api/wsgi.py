"""WSGI entry point for gunicorn: `gunicorn api.wsgi:app` (settings from MOTCUA_* variables)."""

import logging

from api.app import create_app
from api.logs import install_redaction

# docker/gunicorn.conf.py configures redacting handlers; without it, redact gunicorn's own.
install_redaction(logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access"))
app = create_app()
