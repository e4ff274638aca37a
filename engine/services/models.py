"""Use cases on process models: validate, deploy (content-hashed, immutable), list and show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from engine.domain.errors import ModelRejectedError, NotFoundError
from engine.domain.model import Actor, ModelVersion
from engine.runtime.connectors import ConnectorRegistry
from engine.services.access import DEPLOY_ROLES, require_role
from engine.services.bundles import CheckedBundle, bundle_text, check_bundle
from engine.services.connectors import builtin_connectors
from engine.services.context import Context


@dataclass(frozen=True)
class DeployResult:
    """The version a deployment resolved to, and whether it is new."""

    version: ModelVersion
    created: bool
    warnings: list[dict[str, object]]


def validate_bundle(
    files: Mapping[str, bytes], connectors: ConnectorRegistry | None = None
) -> CheckedBundle:
    """Run every check without deploying (service tasks against `connectors`, or the built-ins)."""
    return check_bundle(files, connectors if connectors is not None else builtin_connectors())


def deploy_bundle(ctx: Context, actor: Actor, files: Mapping[str, bytes]) -> DeployResult:
    """Deploy a bundle as a new version; the same content hash returns the existing version."""
    require_role(actor, DEPLOY_ROLES | {"system"}, "deploying a model")
    bundle = check_bundle(files, ctx.connectors)
    if not bundle.ok or bundle.compiled is None or bundle.meta is None:
        raise ModelRejectedError(bundle.problems)
    warnings = [p.as_dict() for p in bundle.problems if p.severity != "error"]
    with ctx.uow() as uow:
        existing = uow.models.by_hash(bundle.content_hash)
        if existing is not None:
            return DeployResult(existing, False, warnings)
        latest = uow.models.latest(bundle.meta.id)
        version = ModelVersion(
            id=0,
            procedure_id=bundle.meta.id,
            version=(latest.version + 1) if latest else 1,
            content_hash=bundle.content_hash,
            process_id=bundle.compiled.process_id,
            name=bundle.meta.name,
            tthc_code=bundle.meta.tthc_code,
            meta=bundle.meta.raw
            or {
                "id": bundle.meta.id,
                "process_id": bundle.meta.process_id,
                "name": bundle.meta.name,
            },
            files=bundle_text(files),
            spec_json=bundle.compiled.spec_json,
            deployed_by=actor.sub,
            deployed_at=ctx.clock.now(),
        )
        stored = uow.models.add(version, bundle.compiled.elements)
        uow.commit()
    return DeployResult(stored, True, warnings)


def list_procedures(ctx: Context) -> list[ModelVersion]:
    """The newest version of every deployed procedure."""
    with ctx.reader() as uow:
        return list(uow.models.procedures())


def procedure_versions(ctx: Context, procedure_id: str) -> list[ModelVersion]:
    """Every version of one procedure, newest first; NotFoundError when none."""
    with ctx.reader() as uow:
        versions = list(uow.models.versions(procedure_id))
    if not versions:
        raise NotFoundError(f"procedure {procedure_id} not found")
    return versions
