"""Move chosen running cases of a procedure to another of its versions: dry run, or apply (admin).

A new version never changes running cases by itself: each case stays on the version it started
on. An administrator moves chosen cases when the difference is safe where each case stands
(engine.runtime.migration says why not otherwise). A dry run only reports; applying moves every
safe case in its own transaction (state, version, task projection, and a `case_migrated` event on
its hash chain), so one refused or failing case never holds back the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.domain.errors import EngineError, InvalidInputError, NotFoundError
from engine.domain.model import Actor, Case, ModelVersion
from engine.runtime.instance import Instance
from engine.runtime.migration import ModelChanges, compare_models, plan_migration
from engine.services.access import ADMIN, require_role
from engine.services.context import Context, Deployed, UnitOfWork
from engine.services.recording import CaseRecorder

MAX_CASES = 10_000


@dataclass(frozen=True)
class CaseMigration:
    """The verdict on one case: safe or not (with the reasons), and whether it was moved."""

    code: str
    safe: bool
    migrated: bool = False
    reasons: list[str] = field(default_factory=list)
    # Elements the case's live tasks stand on (where it is in the process).
    at: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MigrationReport:
    """What a migration found (dry run) or did, case by case."""

    procedure_id: str
    source: ModelVersion
    target: ModelVersion
    dry_run: bool
    changes: ModelChanges
    cases: list[CaseMigration]

    @property
    def unsafe(self) -> list[CaseMigration]:
        """The cases refused."""
        return [c for c in self.cases if not c.safe]

    @property
    def migrated(self) -> list[CaseMigration]:
        """The cases moved (none in a dry run)."""
        return [c for c in self.cases if c.migrated]


def migrate_cases(
    ctx: Context,
    actor: Actor,
    procedure_id: str,
    from_version: int,
    to_version: int,
    codes: Sequence[str] | None = None,
    dry_run: bool = True,
    reason: str = "",
) -> MigrationReport:
    """Check (and unless `dry_run`, move) the running cases of `from_version`, or the chosen ones.

    `codes` None selects every unfinished case on `from_version`; a chosen case that is not on
    that version, is finished or belongs elsewhere is reported as refused, not skipped.
    """
    require_role(actor, {ADMIN}, "migrating cases to another model version")
    if from_version == to_version:
        raise InvalidInputError("from_version and to_version must differ")
    if codes is not None and len(codes) > MAX_CASES:
        raise InvalidInputError(f"at most {MAX_CASES} cases per migration")
    with ctx.reader() as uow:
        source = _version(uow, procedure_id, from_version)
        target = _version(uow, procedure_id, to_version)
        old, new = ctx.catalog.get(uow, source.id), ctx.catalog.get(uow, target.id)
        selected = (
            list(dict.fromkeys(codes))
            if codes is not None
            else uow.cases.running_on_version(source.id)
        )
    results = [_migrate_one(ctx, actor, code, old, new, dry_run, reason) for code in selected]
    changes = compare_models(old.model, new.model)
    return MigrationReport(procedure_id, source, target, dry_run, changes, results)


def _version(uow: UnitOfWork, procedure_id: str, number: int) -> ModelVersion:
    versions = uow.models.versions(procedure_id)
    if not versions:
        raise NotFoundError(f"procedure {procedure_id} not found")
    found = next((v for v in versions if v.version == number), None)
    if found is None:
        raise NotFoundError(f"procedure {procedure_id} has no version {number}")
    return found


def _migrate_one(
    ctx: Context,
    actor: Actor,
    code: str,
    old: Deployed,
    new: Deployed,
    dry_run: bool,
    reason: str,
) -> CaseMigration:
    """One case in its own transaction; an engine error refuses this case only."""
    try:
        with ctx.reader() if dry_run else ctx.uow() as uow:
            case = uow.cases.get_by_code(code, lock=not dry_run)
            refusal = _not_movable(case, code, old, new)
            if refusal or case is None:
                return CaseMigration(code, False, reasons=[refusal])
            plan = plan_migration(old.model, case.state, new.model, ctx.runtime_env())
            if not plan.safe:
                target = f"version {new.version.version}"
                reasons = [o.describe(target) for o in plan.obstacles]
                return CaseMigration(code, False, reasons=reasons, at=plan.live)
            if dry_run or plan.state is None:
                return CaseMigration(code, True, at=plan.live)
            _move(ctx, uow, actor, case, old, new, plan.state, plan.live, reason)
            uow.commit()
            return CaseMigration(code, True, migrated=True, at=plan.live)
    except EngineError as exc:
        return CaseMigration(code, False, reasons=[exc.message])


def _not_movable(case: Case | None, code: str, old: Deployed, new: Deployed) -> str:
    """Why the case cannot be considered at all, or ''."""
    if case is None or case.procedure_id != old.version.procedure_id:
        return f"case {code} is not a case of procedure {old.version.procedure_id}"
    if case.model_version_id == new.version.id:
        return f"the case is already on version {new.version.version}"
    if case.model_version_id != old.version.id:
        return f"the case is not on version {old.version.version}"
    if case.completed:
        return "the case is finished"
    return ""


def _move(
    ctx: Context,
    uow: UnitOfWork,
    actor: Actor,
    case: Case,
    old: Deployed,
    new: Deployed,
    state: str,
    live: list[str],
    reason: str,
) -> None:
    """Store the moved state, switch the version, resync the tasks, record the event."""
    now = ctx.clock.now()
    case.model_version_id, case.model_hash = new.version.id, new.version.content_hash
    recorder = CaseRecorder(ctx, uow, case, new, actor, now)
    instance = Instance.load(new.model, state, ctx.runtime_env())
    refreshed = recorder.refresh_open_tasks(instance)
    recorder.event(
        "case_migrated",
        {
            "procedure_id": old.version.procedure_id,
            "from_version": old.version.version,
            "to_version": new.version.version,
            "from_hash": old.version.content_hash,
            "to_hash": new.version.content_hash,
            "reason": reason,
            "at": live,
            "tasks_updated": refreshed,
        },
    )
    recorder.finish(instance)
    uow.cases.save(case)
