"""Retention: purge the history of cases finished long ago, never of open cases.

A purge keeps the digest chain verifiable: it first appends a "purge" digest that names every
removed case with its last head, so verification knows those cases left on purpose. A case
whose chain does not verify is never purged (that would destroy the evidence); it is reported.
Deleting history gets past the append-only trigger, so on PostgreSQL only a DBA role can purge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.domain.audit import ChainWalker, Digest, apply_changes, compute_digest, head_changes
from engine.domain.errors import InvalidInputError, PermissionDeniedError
from engine.domain.history import GENESIS
from engine.domain.model import Actor
from engine.services.access import ADMIN
from engine.services.audit import next_heads
from engine.services.context import Context


@dataclass
class PurgePlan:
    """What a purge removes (or, on a dry run, would remove)."""

    before: datetime
    dry_run: bool
    cases: list[str] = field(default_factory=list)
    events: int = 0
    kept_broken: list[str] = field(default_factory=list)
    digest: str | None = None


def retention_cutoff(
    now: datetime, retention_days: int | None, before: datetime | None
) -> datetime:
    """The cutoff: `before` if given (never newer than the retention allows), else now - days."""
    if before is None and retention_days is None:
        raise InvalidInputError(
            "give --before DATE or set MOTCUA_AUDIT_RETENTION_DAYS: nothing is purged by default"
        )
    if before is not None and before.tzinfo is None:
        raise InvalidInputError("the cutoff must carry a time zone")
    limit = now - timedelta(days=retention_days) if retention_days is not None else None
    if before is None:
        assert limit is not None
        return limit
    if limit is not None and before > limit:
        raise InvalidInputError(
            f"the retention is {retention_days} days: nothing finished after "
            f"{limit.date().isoformat()} may be purged"
        )
    return before


def purge_history(ctx: Context, actor: Actor, before: datetime, *, dry_run: bool) -> PurgePlan:
    """Remove finished cases (history, tasks, row) whose last event is older than `before`."""
    if not actor.has_role(ADMIN, "system"):
        raise PermissionDeniedError("purging history needs the admin role")
    plan = PurgePlan(before=before, dry_run=dry_run)
    with ctx.uow() as uow:
        uow.audit.lock_digests()
        candidates = uow.audit.purge_candidates(before)
        walkers = {h.case_id: ChainWalker(h.code) for h in candidates}
        for event_id, event in uow.audit.stream_events([h.case_id for h in candidates] or [-1]):
            walkers[event.case_id].feed(event, event_id)
        good = [h for h in candidates if walkers[h.case_id].finish(h) is None]
        plan.kept_broken = sorted(h.code for h in candidates if h not in good)
        plan.cases = sorted(h.code for h in good)
        plan.events = uow.audit.count_events([h.case_id for h in good])
        if dry_run or not good:
            return plan
        digests = uow.audit.digests()
        vouched: dict[str, tuple[int, str]] = {}
        for digest in digests:
            apply_changes(vouched, digest)
        removed = {h.code: (h.last_seq, h.last_hash) for h in good}
        after, missing, regressed = next_heads(vouched, uow.audit.heads(), frozenset(removed))
        changes = head_changes(vouched, after)
        marker = Digest(
            kind="purge",
            created_at=ctx.clock.now(),
            created_by=actor.sub,
            case_count=len(after),
            event_count=uow.audit.event_count() - plan.events,
            changes={"heads": changes, "removed": {c: [s, h] for c, (s, h) in removed.items()}},
            note={
                "before": before.isoformat(),
                "cases": len(good),
                "events": plan.events,
                "missing": missing,
                "regressed": regressed,
            },
            prev_digest=digests[-1].digest if digests else GENESIS,
        )
        marker.digest = compute_digest(
            marker.prev_digest, "purge", marker.created_at, after, removed
        )
        uow.audit.add_digest(marker)
        uow.audit.delete_cases([h.case_id for h in good])
        uow.commit()
        plan.digest = marker.digest
    return plan
