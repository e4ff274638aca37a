"""Deployed model versions: stored once per version, never inside a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.adapters.rows import ModelVersionRow
from engine.domain.model import ModelVersion


def _version(row: ModelVersionRow) -> ModelVersion:
    return ModelVersion(
        id=row.id,
        procedure_id=row.procedure_id,
        version=row.version,
        content_hash=row.content_hash,
        process_id=row.process_id,
        name=row.name,
        tthc_code=row.tthc_code,
        meta=row.meta,
        files=row.files,
        spec_json=row.spec_json,
        deployed_by=row.deployed_by,
        deployed_at=row.deployed_at,
    )


class ModelRepository:
    """Deployed model versions."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, version: ModelVersion, elements: dict[str, Any]) -> ModelVersion:
        """Store a new version and return it with its id."""
        row = ModelVersionRow(
            procedure_id=version.procedure_id,
            version=version.version,
            content_hash=version.content_hash,
            process_id=version.process_id,
            name=version.name,
            tthc_code=version.tthc_code,
            meta=version.meta,
            files=version.files,
            elements=elements,
            spec_json=version.spec_json,
            deployed_by=version.deployed_by,
            deployed_at=version.deployed_at,
        )
        self.session.add(row)
        self.session.flush()
        return _version(row)

    def get(self, version_id: int) -> ModelVersion | None:
        """A version by id."""
        row = self.session.get(ModelVersionRow, version_id)
        return _version(row) if row else None

    def elements(self, version_id: int) -> dict[str, Any]:
        """The element table of a version."""
        row = self.session.get(ModelVersionRow, version_id)
        return dict(row.elements) if row else {}

    def by_hash(self, content_hash: str) -> ModelVersion | None:
        """The version with this content hash, if deployed."""
        row = self.session.scalars(
            select(ModelVersionRow).where(ModelVersionRow.content_hash == content_hash)
        ).first()
        return _version(row) if row else None

    def latest(self, procedure_id: str) -> ModelVersion | None:
        """The newest version of a procedure."""
        row = self.session.scalars(
            select(ModelVersionRow)
            .where(ModelVersionRow.procedure_id == procedure_id)
            .order_by(ModelVersionRow.version.desc())
            .limit(1)
        ).first()
        return _version(row) if row else None

    def latest_id(self, procedure_id: str) -> int | None:
        """The id of the newest version of a procedure (no spec, files or elements loaded)."""
        return self.session.scalar(
            select(ModelVersionRow.id)
            .where(ModelVersionRow.procedure_id == procedure_id)
            .order_by(ModelVersionRow.version.desc())
            .limit(1)
        )

    def versions(self, procedure_id: str) -> list[ModelVersion]:
        """All versions of a procedure, newest first."""
        rows = self.session.scalars(
            select(ModelVersionRow)
            .where(ModelVersionRow.procedure_id == procedure_id)
            .order_by(ModelVersionRow.version.desc())
        )
        return [_version(r) for r in rows]

    def procedures(self) -> list[ModelVersion]:
        """The latest version of every procedure."""
        newest = (
            select(ModelVersionRow.procedure_id, func.max(ModelVersionRow.version).label("v"))
            .group_by(ModelVersionRow.procedure_id)
            .subquery()
        )
        rows = self.session.scalars(
            select(ModelVersionRow)
            .join(
                newest,
                (ModelVersionRow.procedure_id == newest.c.procedure_id)
                & (ModelVersionRow.version == newest.c.v),
            )
            .order_by(ModelVersionRow.procedure_id)
        )
        return [_version(r) for r in rows]
