"""Moving running cases to another model version: the API payloads and `motcua migrate`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, validate

from api.schemas import NO_CONTROL_CHARACTERS

if TYPE_CHECKING:  # the command imports the engine lazily: `motcua --help` stays fast
    from engine.services.migration import MigrationReport

CODE = fields.String(validate=[validate.Length(min=1, max=64), NO_CONTROL_CHARACTERS])


class MigrationRequestSchema(Schema):
    """Which cases to move where; a dry run unless `dry_run` is false."""

    from_version = fields.Integer(required=True, validate=validate.Range(min=1))
    to_version = fields.Integer(required=True, validate=validate.Range(min=1))
    cases = fields.List(
        CODE,
        load_default=None,
        validate=validate.Length(max=10_000),
        metadata={"description": "dossier codes; omitted: every running case of from_version"},
    )
    dry_run = fields.Boolean(load_default=True)
    reason = fields.String(
        load_default="", validate=[validate.Length(max=500), NO_CONTROL_CHARACTERS]
    )


class CaseMigrationSchema(Schema):
    """The verdict on one case."""

    code = fields.String()
    safe = fields.Boolean()
    migrated = fields.Boolean()
    reasons = fields.List(fields.String(), metadata={"description": "why it cannot move"})
    at = fields.List(fields.String(), metadata={"description": "elements the case stands on"})


class MigrationReportSchema(Schema):
    """What a migration found (dry run) or did, case by case."""

    procedure_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    from_hash = fields.String()
    to_hash = fields.String()
    dry_run = fields.Boolean()
    changes = fields.Dict(metadata={"description": "elements added, removed and changed"})
    totals = fields.Dict(keys=fields.String(), values=fields.Integer())
    cases = fields.List(fields.Nested(CaseMigrationSchema))


def migration_json(report: MigrationReport) -> dict[str, Any]:
    """The report as the API and `motcua migrate --json` give it."""
    return {
        "procedure_id": report.procedure_id,
        "from_version": report.source.version,
        "to_version": report.target.version,
        "from_hash": report.source.content_hash,
        "to_hash": report.target.content_hash,
        "dry_run": report.dry_run,
        "changes": {
            "added": report.changes.added,
            "removed": report.changes.removed,
            "changed": report.changes.changed,
        },
        "totals": {
            "selected": len(report.cases),
            "safe": len(report.cases) - len(report.unsafe),
            "unsafe": len(report.unsafe),
            "migrated": len(report.migrated),
        },
        "cases": [
            {
                "code": c.code,
                "safe": c.safe,
                "migrated": c.migrated,
                "reasons": c.reasons,
                "at": c.at,
            }
            for c in report.cases
        ],
    }


def cmd_migrate(args: argparse.Namespace) -> int:
    """Check (dry run) or move running cases; exit 1 when --apply met an unsafe case."""
    import getpass
    import json

    from engine.bootstrap import build_context, migrate
    from engine.domain.model import Actor
    from engine.services.migration import migrate_cases
    from engine.settings import Settings

    settings = Settings.from_env()
    migrate(settings)
    ctx = build_context(settings)
    # Whoever runs the CLI holds the database URL already, so acts as an administrator.
    actor = Actor(sub=args.by or f"cli:{getpass.getuser()}", roles=frozenset({"admin"}))
    try:
        report = migrate_cases(
            ctx,
            actor,
            args.procedure,
            args.from_version,
            args.to_version,
            args.case or None,
            dry_run=not args.apply,
            reason=args.reason,
        )
    finally:
        ctx.db_engine.dispose()
    if args.json:
        print(json.dumps(migration_json(report), ensure_ascii=False, indent=2))
    else:
        _print_table(report)
    return 1 if args.apply and report.unsafe else 0


def _print_table(report: MigrationReport) -> None:
    body = migration_json(report)
    mode = "dry run" if report.dry_run else "applied"
    print(
        f"{report.procedure_id}: version {report.source.version} -> {report.target.version} "
        f"({mode}); added {', '.join(report.changes.added) or '-'}; "
        f"removed {', '.join(report.changes.removed) or '-'}"
    )
    width = max([len("case"), *(len(c.code) for c in report.cases)])
    print(f"{'case':<{width}}  {'verdict':<8}  {'at':<24}  reason")
    for c in report.cases:
        verdict = "migrated" if c.migrated else "safe" if c.safe else "UNSAFE"
        print(f"{c.code:<{width}}  {verdict:<8}  {','.join(c.at):<24}  {'; '.join(c.reasons)}")
    print(" ".join(f"{k}={v}" for k, v in body["totals"].items()))


def add_migrate_command(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `motcua migrate` to the main parser."""
    p = sub.add_parser(
        "migrate", help="move running cases to another version of their model (dry run default)"
    )
    p.add_argument("--procedure", required=True, help="procedure id")
    p.add_argument("--from", dest="from_version", type=int, required=True, help="version now")
    p.add_argument("--to", dest="to_version", type=int, required=True, help="target version")
    p.add_argument(
        "--case",
        action="append",
        default=[],
        help="dossier code (repeat); default: every running case of the --from version",
    )
    p.add_argument("--apply", action="store_true", help="move the safe cases (default: dry run)")
    p.add_argument("--reason", default="", help="why, recorded on each moved case")
    p.add_argument("--by", help="who moves them (default: cli:<user>)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_migrate)
