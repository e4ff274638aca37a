"""Use cases of auditors: verify the history chains and the digests, record digests and reads.

Verification streams every event once (O(events), constant memory per case) and recomputes its
hash; a chain breaks where an event was edited (hash), removed or reordered (seq, link), or cut
at the end (the case row's head). Digests vouch for every case's head at a point in time, so a
case deleted whole, or a chain cut and its case row rewritten to match, is found too.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from typing import Any

from engine.calendar import VN_TZ
from engine.domain.audit import (
    AccessEntry,
    CaseHead,
    ChainBreak,
    ChainWalker,
    Digest,
    apply_changes,
    compute_digest,
    head_changes,
    in_scope,
    removed_of,
    unit_of_code,
)
from engine.domain.errors import NotFoundError, PermissionDeniedError
from engine.domain.history import GENESIS
from engine.domain.model import Actor
from engine.services.access import ADMIN
from engine.services.context import Context, UnitOfWork

AUDITOR = "auditor"
WORKER = Actor("system:worker", frozenset({"system"}), frozenset())
log = logging.getLogger("motcua.audit")
AUDIT_ROLES = frozenset({AUDITOR, ADMIN, "system"})


def audit_scope(actor: Actor) -> frozenset[str] | None:
    """The units an auditor may look into (None: all); PermissionDenied for everybody else."""
    if actor.has_role(ADMIN, "system"):
        return None
    if actor.has_role(AUDITOR):
        return actor.units
    raise PermissionDeniedError("auditing needs the auditor or admin role")


@dataclass
class DigestCheck:
    """How the digest chain held up."""

    count: int = 0
    latest: str | None = None
    latest_at: str | None = None
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    expected_found: bool | None = None


@dataclass
class VerifyReport:
    """The outcome of a verification: every break found (at most one per case)."""

    scope: str
    cases: int
    events: int
    seconds: float
    breaks: list[ChainBreak]
    digests: DigestCheck
    protection: dict[str, bool]

    @property
    def ok(self) -> bool:
        """True when every chain and the digest chain hold."""
        return not self.breaks and self.digests.ok


def _rebuild(digests: list[Digest]) -> tuple[dict[str, tuple[int, str]], DigestCheck]:
    """The head map the digest chain vouches for, with the chain's own links checked."""
    heads: dict[str, tuple[int, str]] = {}
    check = DigestCheck(count=len(digests))
    prev = GENESIS
    for digest in digests:
        if digest.prev_digest != prev:
            check.ok = False
            check.problems.append(
                f"digest {digest.id} does not link to the digest before it "
                f"(expected {prev[:16]}…, found {digest.prev_digest[:16]}…)"
            )
        apply_changes(heads, digest)
        prev = digest.digest
    if digests:
        last = digests[-1]
        check.latest, check.latest_at = last.digest, last.created_at.isoformat()
        recomputed = compute_digest(
            last.prev_digest, last.kind, last.created_at, heads, removed_of(last)
        )
        if recomputed != last.digest:
            check.ok = False
            check.problems.append(
                f"the latest digest {last.id} does not match the heads the chain records "
                "(a digest row was altered)"
            )
    return heads, check


def verify_history(
    ctx: Context, actor: Actor, code: str | None = None, expect_digest: str | None = None
) -> VerifyReport:
    """Check the chains (of one case, of the auditor's units, or of all) and the digests.

    Case rows and events are streamed side by side in case id order (a merge join), so memory
    holds one case's state at a time plus the digests' head map.
    """
    units = audit_scope(actor)
    started = time.perf_counter()
    breaks: list[ChainBreak] = []
    seen: set[str] = set()
    cases = events = 0
    with ctx.reader() as uow:
        digests = uow.audit.digests()
        digest_map, check = _rebuild(digests)
        if expect_digest:
            check.expected_found = any(d.digest == expect_digest for d in digests)
            if not check.expected_found:
                check.ok = False
                check.problems.append(f"no digest {expect_digest[:16]}… in the chain")
        if code is not None:
            heads = uow.audit.heads(units, code)
            if not heads and not (code in digest_map and in_scope(code, units)):
                raise NotFoundError(f"case {code} not found")  # a deleted case is reported
            stream = uow.audit.stream_events([h.case_id for h in heads] or [-1])
        else:
            heads = uow.audit.stream_heads(units)
            stream = uow.audit.stream_events(units=units)
        pending = next(stream, None)
        for head in heads:
            walker = ChainWalker(head.code)
            if head.code in digest_map:
                walker.watch = frozenset({digest_map[head.code][0]})
            while pending is not None and pending[1].case_id < head.case_id:
                pending = next(stream, None)  # cannot happen: events refer to their case
            while pending is not None and pending[1].case_id == head.case_id:
                walker.feed(pending[1], pending[0])
                events += 1
                pending = next(stream, None)
            cases += 1
            seen.add(head.code)
            found = walker.finish(head) or _digest_break(digest_map, head.code, walker)
            if found is not None:
                breaks.append(found)
        breaks += _missing(digest_map, seen, units, code)
        protection = uow.audit.protection()
    scope = code or ("all" if units is None else ",".join(sorted(units)))
    return VerifyReport(
        scope, cases, events, time.perf_counter() - started, breaks, check, protection
    )


def _digest_break(
    digest_map: dict[str, tuple[int, str]], code: str, walker: ChainWalker
) -> ChainBreak | None:
    """A live case whose chain holds but no longer has the head a digest recorded."""
    if code not in digest_map:
        return None
    seq, hash_ = digest_map[code]
    seen = walker.hashes_at.get(seq)
    if seen is None:
        return ChainBreak(
            code,
            "truncated",
            f"the history of {code} ends before seq {seq}, which a digest recorded",
            seq,
            None,
            hash_,
            None,
        )
    if seen != hash_:
        return ChainBreak(
            code,
            "rewritten",
            f"event {seq} of {code} is not the one a digest recorded "
            "(the chain was rewritten and re-hashed)",
            seq,
            None,
            hash_,
            seen,
        )
    return None


def _missing(
    digest_map: dict[str, tuple[int, str]],
    seen: set[str],
    units: frozenset[str] | None,
    code: str | None,
) -> list[ChainBreak]:
    """Cases the digests vouch for that are gone."""
    return [
        ChainBreak(
            digest_code,
            "missing_case",
            f"case {digest_code} is gone: a digest recorded its history up to seq {seq}",
            seq,
            None,
            hash_,
            None,
        )
        for digest_code, (seq, hash_) in sorted(digest_map.items())
        if digest_code not in seen
        and in_scope(digest_code, units)
        and (code is None or digest_code == code)
    ]


def next_heads(
    before: dict[str, tuple[int, str]], heads: list[CaseHead], removed: frozenset[str] = frozenset()
) -> tuple[dict[str, tuple[int, str]], list[str], list[str]]:
    """The head map a new digest vouches for, the cases gone and the chains cut since `before`.

    A deletion or a cut is never laundered: such cases keep their old head in the map, so every
    later verification still reports them. Only `removed` (a purge) takes cases out.
    """
    now = {h.code: (h.last_seq, h.last_hash) for h in heads if h.code not in removed}
    missing = sorted(c for c in before if c not in now and c not in removed)
    regressed = sorted(c for c, (s, _) in now.items() if c in before and s < before[c][0])
    current = dict(now)
    for c in [*missing, *regressed]:
        current[c] = before[c]
    return current, missing, regressed


def record_digest(ctx: Context, actor: Actor, kind: str = "digest") -> Digest:
    """Append a digest over every case's head; cases gone since the last one stay in it."""
    if not actor.has_role(ADMIN, "system"):
        raise PermissionDeniedError("recording a digest needs the admin role")
    with ctx.uow() as uow:
        uow.audit.lock_digests()
        digest = _append_digest(ctx, uow, actor, kind)
        uow.commit()
    return digest


def _append_digest(ctx: Context, uow: UnitOfWork, actor: Actor, kind: str) -> Digest:
    digests = uow.audit.digests()
    before, _ = _rebuild(digests)
    current, missing, regressed = next_heads(before, uow.audit.heads())
    digest = Digest(
        kind=kind,
        created_at=ctx.clock.now(),
        created_by=actor.sub,
        case_count=len(current),
        event_count=uow.audit.event_count(),
        changes={"heads": head_changes(before, current), "removed": {}},
        note={"missing": missing, "regressed": regressed},
        prev_digest=digests[-1].digest if digests else GENESIS,
    )
    digest.digest = compute_digest(digest.prev_digest, kind, digest.created_at, current, {})
    uow.audit.add_digest(digest)
    return digest


def last_scheduled(now: datetime, at: dt_time) -> datetime:
    """The latest daily digest instant (`at`, Vietnam time) not after `now`."""
    local = now.astimezone(VN_TZ)
    today = datetime.combine(local.date(), at, tzinfo=VN_TZ)
    return today if today <= local else today - timedelta(days=1)


def record_due_digest(ctx: Context) -> Digest | None:
    """The worker's daily digest (MOTCUA_DIGEST_AT): recorded once the day's instant has passed
    and no digest was recorded since it; several workers record it once (under the digest
    lock). None when nothing was due."""
    if ctx.digest_at is None:
        return None
    due = last_scheduled(ctx.clock.now(), ctx.digest_at)
    if ctx.digest_done_for == due:
        return None  # known recorded: a worker round reads nothing until the next instant
    with ctx.uow() as uow:
        uow.audit.lock_digests()
        last = uow.audit.last_digest()
        if last is not None and last.created_at >= due:
            ctx.digest_done_for = due  # recorded already (by another worker, say)
            return None
        digest = _append_digest(ctx, uow, WORKER, "digest")
        uow.commit()
    ctx.digest_done_for = due
    log.info("daily audit digest %s over %d cases", digest.digest, digest.case_count)
    return digest


def record_access(
    ctx: Context, actor: Actor, action: str, code: str, detail: dict[str, Any] | None = None
) -> None:
    """Record a read of a case's personal data by an auditor (others are not logged here)."""
    if not actor.has_role(AUDITOR) and not actor.sub.startswith("cli:"):
        return
    entry = AccessEntry(
        at=ctx.clock.now(),
        actor=actor.sub,
        roles=tuple(sorted(actor.roles)),
        units=tuple(sorted(actor.units)),
        action=action,
        case_code=code,
        detail=detail or {},
    )
    with ctx.uow() as uow:
        uow.audit.log_access(entry)
        uow.commit()


def access_log(ctx: Context, actor: Actor, code: str | None = None) -> list[AccessEntry]:
    """The newest recorded reads (of one case), within the auditor's units."""
    units = audit_scope(actor)
    with ctx.reader() as uow:
        entries = uow.audit.accesses(code)
    return [e for e in entries if units is None or unit_of_code(e.case_code) in units]


def list_digests(ctx: Context, actor: Actor) -> list[Digest]:
    """The digest chain, oldest first (auditors and admins)."""
    audit_scope(actor)
    with ctx.reader() as uow:
        return list(uow.audit.digests())
