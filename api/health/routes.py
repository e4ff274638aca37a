"""Liveness and database reachability, for load balancers and operators."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import public
from api.context import engine_context
from api.schemas import HealthSchema
from engine.services.health import check_database, schema_revision

blp = Blueprint("health", __name__, url_prefix="/health", description="Health")


@blp.route("", methods=["GET"])
@blp.doc(security=[])
@blp.response(200, HealthSchema, description="up, database reachable")
@blp.alt_response(503, schema=HealthSchema, description="the database cannot be reached")
@public
def health() -> tuple[dict[str, Any], int]:
    """Service and database status (no token needed)."""
    ok, detail = check_database(engine_context())
    body = {
        "status": "ok" if ok else "degraded",
        "database": detail,
        "schema_revision": schema_revision(engine_context()),
    }
    return body, 200 if ok else 503
