"""Flask application factory: blueprints, OpenAPI, error shape, limits."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from api.auth import install_verifier
from api.errors import register_error_handlers
from api.guards import install_guards
from api.limits import install_rate_limits
from api.schemas import ErrorSchema
from engine.bootstrap import build_context
from engine.services.context import Context
from engine.settings import Settings


class MotcuaApi(Api):  # type: ignore[misc]
    """flask-smorest's Api documenting our error shape instead of its own."""

    ERROR_SCHEMA = ErrorSchema


def create_app(settings: Settings | None = None, context: Context | None = None) -> Flask:
    """Build the API; `context` lets tests inject a clock and a database."""
    settings = settings or Settings.from_env()
    app = Flask("motcua")
    app.config.update(
        MOTCUA_SETTINGS=settings,
        # Bundle uploads only; every other request is held to max_request_bytes (api.guards).
        MAX_CONTENT_LENGTH=max(settings.max_request_bytes, 25 * 1024 * 1024),
        API_TITLE="motcua",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
        API_SPEC_OPTIONS={
            "info": {"description": "One-stop (một cửa) administrative procedures on BPMN."},
            "components": {
                "securitySchemes": {
                    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
                }
            },
            "security": [{"bearer": []}],
        },
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Vietnamese stays readable
    if settings.proxy_hops:  # the client's address for rate limits, behind that many proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops
        )
    app.extensions["motcua"] = context or build_context(settings)
    install_verifier(app, settings)
    api = MotcuaApi(app)
    from api.audit.routes import blp as audit
    from api.calendar.routes import blp as calendar
    from api.cases.routes import blp as cases
    from api.handoffs.routes import blp as handoffs
    from api.health.routes import blp as health
    from api.incidents.routes import blp as incidents
    from api.messages.routes import blp as messages
    from api.models.routes import blp as models
    from api.reports.routes import blp as reports
    from api.sla.routes import blp as sla
    from api.tasks.routes import blp as tasks

    for blueprint in (health, models, cases, tasks, calendar, sla, audit, messages, incidents):
        api.register_blueprint(blueprint)
    api.register_blueprint(handoffs)
    api.register_blueprint(reports)
    register_error_handlers(app)
    install_rate_limits(app, settings)  # before the guards: floods without a token count too
    install_guards(app)

    @app.after_request
    def _security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
