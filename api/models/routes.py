"""Routes of the process-models resource: list, show, deploy, validate, migrate cases."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.auth import ANYONE, allow, current_actor
from api.context import engine_context
from api.guards import accepts_uploads
from api.models.migrations import (
    MigrationReportSchema,
    MigrationRequestSchema,
    migration_json,
)
from api.models.schemas import (
    UPLOAD_BODY,
    DeployResultSchema,
    ModelListSchema,
    ModelSchema,
    ValidationSchema,
)
from api.models.uploads import uploaded_files
from api.schemas import ErrorSchema
from api.views import version_json
from engine.domain.errors import ModelRejectedError
from engine.services import migration, models
from engine.services.access import ADMIN, ANALYST

blp = Blueprint(
    "process_models",
    __name__,
    url_prefix="/process-models",
    description="Procedure models (BPMN, DMN, forms)",
)


@blp.route("", methods=["GET"])
@allow(ANYONE)
@blp.response(200, ModelListSchema)
def list_models() -> dict[str, Any]:
    """Deployed procedures with their newest version."""
    current_actor()
    return {"items": [version_json(v) for v in models.list_procedures(engine_context())]}


@blp.route("/<string:procedure_id>", methods=["GET"])
@allow(ANYONE)
@blp.response(200, ModelSchema)
def show_model(procedure_id: str) -> dict[str, Any]:
    """A procedure with all its versions."""
    current_actor()
    versions = models.procedure_versions(engine_context(), procedure_id)
    body = version_json(versions[0], files=True)
    body["versions"] = [version_json(v) for v in versions]
    return body


@blp.route("", methods=["POST"])
@allow(ANALYST, ADMIN)
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(201, DeployResultSchema, description="a new version was deployed")
@blp.alt_response(200, schema=DeployResultSchema, description="same content: existing version")
@accepts_uploads
def deploy_model() -> tuple[dict[str, Any], int]:
    """Deploy a bundle as a new immutable version (same content: the existing version)."""
    actor = current_actor()
    result = models.deploy_bundle(engine_context(), actor, uploaded_files())
    body = version_json(result.version, files=True)
    body.update(created=result.created, warnings=result.warnings)
    return body, 201 if result.created else 200


@blp.route("/validate", methods=["POST"])
@allow(ANALYST, ADMIN)
@blp.doc(requestBody=UPLOAD_BODY)
@blp.response(200, ValidationSchema)
@blp.alt_response(
    422, schema=ErrorSchema, description="refused: every problem with file, line, element and fix"
)
@accepts_uploads
def validate_model() -> dict[str, Any]:
    """Check a bundle without deploying: every problem with file, line, element and fix."""
    current_actor()
    bundle = models.validate_bundle(uploaded_files(), engine_context().connectors)
    if not bundle.ok:
        raise ModelRejectedError(bundle.problems)
    return {
        "ok": bundle.ok,
        "procedure_id": bundle.meta.id if bundle.meta else None,
        "content_hash": bundle.content_hash,
        "problems": [p.as_dict() for p in bundle.problems],
    }


@blp.route("/<string:procedure_id>/migrations", methods=["POST"])
@allow(ADMIN)
@blp.arguments(MigrationRequestSchema)
@blp.response(200, MigrationReportSchema)
def migrate_model_cases(body: dict[str, Any], procedure_id: str) -> dict[str, Any]:
    """Move running cases to another version (admin): a dry-run report unless dry_run is false."""
    report = migration.migrate_cases(
        engine_context(),
        current_actor(),
        procedure_id,
        body["from_version"],
        body["to_version"],
        body["cases"],
        dry_run=body["dry_run"],
        reason=body["reason"],
    )
    return migration_json(report)
