"""WSGI entry point for gunicorn: `gunicorn api.wsgi:app` (settings from MOTCUA_* variables)."""

from api.app import create_app

app = create_app()
