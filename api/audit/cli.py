"""`motcua audit ...` and `motcua replay`: verify, digest, purge, as-of, slip, replay on the database.

The operator acts as `cli:<OS user>` with the admin role; reads of a case's personal data made
here are recorded in the access log under that name.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine is imported lazily: `motcua --help` stays fast
    from engine.domain.model import Actor
    from engine.services.context import Context


def _instant(text: str) -> datetime:
    from engine.calendar import VN_TZ

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO-8601 date or instant, e.g. 2025-01-24 or 2025-01-24T15:30+07:00"
        ) from None
    # A date or wall-clock time without an offset is read as Vietnam time.
    return value if value.tzinfo else value.replace(tzinfo=VN_TZ)


def _operator() -> Actor:
    from engine.domain.model import Actor

    return Actor(sub=f"cli:{getpass.getuser()}", roles=frozenset({"admin"}), units=frozenset())


@contextmanager
def _context() -> Iterator[tuple[Context, Any]]:
    from engine.bootstrap import build_context, migrate
    from engine.settings import Settings

    settings = Settings.from_env()
    migrate(settings)
    ctx = build_context(settings)
    try:
        yield ctx, settings
    finally:
        ctx.db_engine.dispose()


def _print(body: Any) -> None:
    print(json.dumps(body, ensure_ascii=False, indent=2, default=str))


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the chains and digests; exit 1 when anything is broken."""
    from engine.services.audit import verify_history

    with _context() as (ctx, _):
        report = verify_history(ctx, _operator(), args.case, args.expect)
    if args.json:
        _print(
            {
                "ok": report.ok,
                "scope": report.scope,
                "cases": report.cases,
                "events": report.events,
                "seconds": round(report.seconds, 3),
                "breaks": [b.as_dict() for b in report.breaks],
                "digests": vars(report.digests),
                "protection": report.protection,
            }
        )
    else:
        for brk in report.breaks:
            where = f" seq {brk.seq}" if brk.seq is not None else ""
            ident = f" (event id {brk.event_id})" if brk.event_id is not None else ""
            print(f"BROKEN {brk.case_code}{where}{ident}: {brk.message}", file=sys.stderr)
            if brk.expected or brk.found:
                print(f"  expected {brk.expected}\n  found    {brk.found}", file=sys.stderr)
        for problem in report.digests.problems:
            print(f"BROKEN digests: {problem}", file=sys.stderr)
        unprotected = sorted(t for t, on in report.protection.items() if not on)
        if unprotected:
            print(f"warning: no append-only trigger on {', '.join(unprotected)}", file=sys.stderr)
        state = "all links hold" if report.ok else f"{len(report.breaks)} broken"
        print(
            f"{state}: {report.cases} case(s), {report.events} event(s), "
            f"{report.digests.count} digest(s) in {report.seconds:.2f}s"
        )
    return 0 if report.ok else 1


def cmd_digest(args: argparse.Namespace) -> int:
    """Record a digest; print it (keep it outside the database: --expect checks it later)."""
    from engine.services.audit import record_digest

    with _context() as (ctx, _):
        digest = record_digest(ctx, _operator())
    print(digest.digest)
    print(
        f"digest {digest.id}: {digest.case_count} case(s), {digest.event_count} event(s), "
        f"{len(digest.note.get('missing', []))} missing, "
        f"{len(digest.note.get('regressed', []))} cut short",
        file=sys.stderr,
    )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Purge the history of cases finished before the cutoff (never open cases)."""
    from engine.services.retention import purge_history, retention_cutoff

    with _context() as (ctx, settings):
        before = retention_cutoff(ctx.clock.now(), settings.audit_retention_days, args.before)
        plan = purge_history(ctx, _operator(), before, dry_run=args.dry_run)
    verb = "would purge" if plan.dry_run else "purged"
    print(f"{verb} {len(plan.cases)} case(s), {plan.events} event(s) finished before {before}")
    for code in plan.cases:
        print(f"  {code}")
    for code in plan.kept_broken:
        print(f"  kept {code}: its history does not verify", file=sys.stderr)
    if plan.digest:
        print(f"purge marker digest: {plan.digest}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a case and compare; exit 1 on a divergence."""
    from engine.services.audit_reads import replay_case

    with _context() as (ctx, _):
        result = replay_case(ctx, _operator(), args.case)
    body: dict[str, Any] = {
        "code": result.code,
        "model_hash": result.model_hash,
        "model_version": result.model_version,
        "events": result.events,
        "commands": result.commands,
        "matched": result.matched,
        "divergence": result.divergence.as_dict() if result.divergence else None,
        "seconds": round(result.seconds, 3),
    }
    if args.json:
        _print(body)
    elif result.divergence is not None:
        print(f"DIVERGED at event {result.divergence.seq}: {result.divergence.message}")
        print(f"  expected {result.divergence.expected!r}\n  found    {result.divergence.found!r}")
    else:
        print(
            f"matched: {result.code} replayed {result.events} event(s) in {result.commands} "
            f"command(s) on model {result.model_hash[:12]} in {result.seconds:.2f}s"
        )
    return 0 if result.matched else 1


def cmd_as_of(args: argparse.Namespace) -> int:
    """Print the case as it stood after an event or at an instant (JSON)."""
    from engine.services.audit_reads import case_as_of

    with _context() as (ctx, _):
        found = case_as_of(ctx, _operator(), args.case, args.event, args.at)
    body = found.state.as_dict()
    body["legal_clock"] = found.legal_clock
    _print(body)
    return 0


def cmd_slip(args: argparse.Namespace) -> int:
    """Print the tracking slip (Mẫu 06) as JSON, or as a table."""
    from engine.services.audit_reads import tracking_slip

    with _context() as (ctx, _):
        slip = tracking_slip(ctx, _operator(), args.case)
    if args.json:
        _print(slip.as_dict())
        return 0
    print(f"Phiếu kiểm soát quá trình giải quyết hồ sơ {slip.case.code}")
    for row in slip.rows:
        print(
            f"{row.step:>3} {row.name[:40]:<40} {row.giver:>12} -> {row.receiver or '':<12} "
            f"{row.received_at:%Y-%m-%d %H:%M} {row.result_label}"
        )
    return 0


def add_audit_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `audit ...` and `replay`."""
    p = sub.add_parser("replay", help="replay a case from its history and compare")
    p.add_argument("case")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("audit", help="verify, digest and purge the history; as-of; slips")
    audit = p.add_subparsers(dest="audit_command", required=True)
    v = audit.add_parser("verify", help="check every hash chain (or one case) and the digests")
    v.add_argument("case", nargs="?")
    v.add_argument("--expect", help="a digest kept outside the database that must be in the chain")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_verify)
    d = audit.add_parser("digest", help="record a digest over every case's history head")
    d.set_defaults(func=cmd_digest)
    g = audit.add_parser("purge", help="purge finished cases older than the retention")
    g.add_argument("--before", type=_instant, help="cutoff date (default: now - retention)")
    g.add_argument("--dry-run", action="store_true", help="list what would go, delete nothing")
    g.set_defaults(func=cmd_purge)
    a = audit.add_parser("as-of", help="the case as it stood after an event or at an instant")
    a.add_argument("case")
    when = a.add_mutually_exclusive_group()
    when.add_argument("--event", type=int, help="event seq")
    when.add_argument("--at", type=_instant, help="ISO-8601 instant")
    a.set_defaults(func=cmd_as_of)
    s = audit.add_parser("slip", help="the tracking slip (Mẫu 06) of a case")
    s.add_argument("case")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_slip)
