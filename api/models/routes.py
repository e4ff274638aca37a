"""Routes of the process-models resource: list, show, deploy, validate."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from flask import request
from flask_smorest import Blueprint

from api.auth import current_actor
from api.context import engine_context
from api.views import version_json
from engine.domain.errors import InvalidInputError
from engine.services import models
from engine.services.bundles import MAX_BUNDLE_BYTES, MAX_BUNDLE_FILES

blp = Blueprint(
    "process_models",
    __name__,
    url_prefix="/process-models",
    description="Procedure models (BPMN, DMN, forms)",
)


def _uploaded_files() -> dict[str, bytes]:
    """Files from a multipart upload: `files` parts (filename = path in bundle) or one `bundle` zip."""
    files: dict[str, bytes] = {}
    if "bundle" in request.files:
        raw = request.files["bundle"].read(MAX_BUNDLE_BYTES + 1)
        try:
            archive = zipfile.ZipFile(io.BytesIO(raw))
        except zipfile.BadZipFile:
            raise InvalidInputError(
                "'bundle' must be a zip archive of the procedure folder"
            ) from None
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_BUNDLE_FILES or sum(i.file_size for i in infos) > MAX_BUNDLE_BYTES:
            raise InvalidInputError("bundle archive too large")
        prefix = _common_prefix([i.filename for i in infos])
        for info in infos:
            name = info.filename[len(prefix) :]
            if name.startswith("examples/") or ".." in name.split("/"):
                continue
            files[name] = archive.read(info)
    for part in request.files.getlist("files"):
        name = (part.filename or "").replace("\\", "/").lstrip("/")
        if not name or ".." in name.split("/"):
            raise InvalidInputError(f"bad file name {part.filename!r}")
        files[name] = part.read(MAX_BUNDLE_BYTES + 1)
    if not files:
        raise InvalidInputError("upload the bundle as multipart 'files' parts or one 'bundle' zip")
    return files


def _common_prefix(names: list[str]) -> str:
    # A zip of the folder itself holds "birth_registration/procedure.json": strip that folder.
    if names and all("/" in n for n in names):
        first = names[0].split("/", 1)[0] + "/"
        if all(n.startswith(first) for n in names):
            return first
    return ""


@blp.route("", methods=["GET"])
def list_models() -> dict[str, Any]:
    """Deployed procedures with their newest version."""
    current_actor()
    return {"items": [version_json(v) for v in models.list_procedures(engine_context())]}


@blp.route("/<string:procedure_id>", methods=["GET"])
def show_model(procedure_id: str) -> dict[str, Any]:
    """A procedure with all its versions."""
    current_actor()
    versions = models.procedure_versions(engine_context(), procedure_id)
    body = version_json(versions[0], files=True)
    body["versions"] = [version_json(v) for v in versions]
    return body


@blp.route("", methods=["POST"])
def deploy_model() -> tuple[dict[str, Any], int]:
    """Deploy a bundle as a new immutable version (same content: the existing version)."""
    actor = current_actor()
    result = models.deploy_bundle(engine_context(), actor, _uploaded_files())
    body = version_json(result.version, files=True)
    body.update(created=result.created, warnings=result.warnings)
    return body, 201 if result.created else 200


@blp.route("/validate", methods=["POST"])
def validate_model() -> dict[str, Any]:
    """Check a bundle without deploying: every problem with file, line, element and fix."""
    current_actor()
    bundle = models.validate_bundle(_uploaded_files())
    return {
        "ok": bundle.ok,
        "procedure_id": bundle.meta.id if bundle.meta else None,
        "content_hash": bundle.content_hash,
        "problems": [p.as_dict() for p in bundle.problems],
    }
