"""The `motcua` command: validate, deploy, serve, worker, db upgrade, token, jwks, calendar."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from api.audit.cli import add_audit_commands
from api.calendar.cli import add_calendar_commands
from api.logs import configure_logging
from api.models.migrations import add_migrate_command
from api.reports.cli import add_report_commands
from engine.domain.errors import EngineError, InvalidInputError, ModelRejectedError


def _settings():  # type: ignore[no-untyped-def]
    from engine.settings import Settings

    return Settings.from_env()


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a procedure folder or .bpmn file; exit 1 when refused."""
    from engine.services.bundles import read_bundle
    from engine.services.models import validate_bundle

    bundle = validate_bundle(read_bundle(args.path))
    if args.json:
        print(
            json.dumps(
                {
                    "ok": bundle.ok,
                    "content_hash": bundle.content_hash,
                    "problems": [p.as_dict() for p in bundle.problems],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for problem in bundle.problems:
            print(str(problem), file=sys.stderr if problem.severity == "error" else sys.stdout)
        if bundle.ok:
            name = bundle.meta.id if bundle.meta else args.path
            print(f"ok: {name} is valid ({bundle.content_hash[:12]})")
        else:
            errors = sum(p.severity == "error" for p in bundle.problems)
            print(f"refused: {errors} error(s)", file=sys.stderr)
    return 0 if bundle.ok else 1


def cmd_conformance(args: argparse.Namespace) -> int:
    """Deploy and run every executable process under PATH; exit 1 on a crash, hang or silent run."""
    from engine.services.conformance import run_conformance

    report = run_conformance(args.path)
    totals = report.totals
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for p in report.processes:
            print(f"{p.outcome:8} {p.seconds:6.2f}s  {p.file} [{p.process_id}] {p.detail}"[:240])
        share = totals["ran"] / totals["executable"] if totals["executable"] else 0.0
        print(" ".join(f"{k}={v}" for k, v in totals.items()) + f" ran_share={share:.1%}")
    bad = totals["crashed"] + totals["hung"] + totals["silent"]
    return 1 if bad else 0


def _context(settings):  # type: ignore[no-untyped-def]
    from engine.bootstrap import build_context, migrate

    migrate(settings)
    return build_context(settings)


def cmd_deploy(args: argparse.Namespace) -> int:
    """Deploy a procedure folder as a new version."""
    from engine.domain.model import SYSTEM_ACTOR
    from engine.services.bundles import read_bundle
    from engine.services.models import deploy_bundle

    ctx = _context(_settings())
    result = deploy_bundle(ctx, SYSTEM_ACTOR, read_bundle(args.path))
    v = result.version
    state = "deployed" if result.created else "unchanged"
    print(f"{state}: {v.procedure_id} version {v.version} ({v.content_hash[:12]})")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply database migrations."""
    from engine.bootstrap import migrate

    settings = _settings()
    migrate(settings)
    print(f"database at head: {settings.database_url.split('@')[-1]}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Migrate, deploy bpmn/ and serve the API."""
    from api.app import create_app
    from engine.bootstrap import build_context, deploy_folder, migrate

    settings = _settings()
    migrate(settings)
    ctx = build_context(settings)
    bpmn = Path(args.bpmn or settings.bpmn_dir or "bpmn")
    if bpmn.is_dir():
        for name, result in deploy_folder(ctx, bpmn):
            print(
                f"{'deployed' if result.created else 'unchanged'}: {name} v{result.version.version}"
            )
    app = create_app(settings, ctx)
    print(f"motcua API on http://{args.host}:{args.port} (OpenAPI /openapi.json, docs /docs)")
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the background worker (timers)."""
    from engine.bootstrap import build_context, migrate
    from engine.worker import run_worker

    settings = _settings()
    migrate(settings)
    run_worker(build_context(settings), once=args.once, idle_seconds=args.idle)
    return 0


def _private_key(path: str):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        return load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InvalidInputError(f"cannot read the private key {path}: {exc}") from exc


def cmd_token(args: argparse.Namespace) -> int:
    """Print a signed bearer token for trying the API (HS256, or --key PEM --kid KID)."""
    from api.auth import issue_token
    from engine.domain.clock import SystemClock

    if bool(args.key) != bool(args.kid):
        raise InvalidInputError("--key and --kid go together (the kid of the key's JWKS entry)")
    try:
        token = issue_token(
            _settings(),
            args.sub,
            args.role,
            args.unit,
            now=SystemClock().now(),
            ttl=timedelta(hours=args.hours),
            name=args.name,
            personal_id=args.personal_id,
            private_key=_private_key(args.key) if args.key else None,
            kid=args.kid or "",
        )
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    print(token)
    return 0


def cmd_jwks(args: argparse.Namespace) -> int:
    """Print the JWKS (public half) of a private key, for MOTCUA_JWKS_FILE when trying RS256."""
    from api.auth import public_jwk

    try:
        jwk = public_jwk(_private_key(args.key), args.kid)
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from exc
    print(json.dumps({"keys": [jwk]}, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="motcua", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a procedure folder or .bpmn file")
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("conformance", help="deploy and run every model of a corpus folder")
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_conformance)
    p = sub.add_parser("deploy", help="deploy a procedure folder as a new version")
    p.add_argument("path")
    p.set_defaults(func=cmd_deploy)
    p = sub.add_parser("serve", help="run the API (migrates and deploys bpmn/ first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--bpmn", help="procedures folder to deploy at start (default ./bpmn)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="run the background worker")
    p.add_argument("--once", action="store_true", help="process what is due, then exit")
    p.add_argument("--idle", type=float, default=5.0, help="longest sleep between polls (s)")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("db", help="database administration")
    dbsub = p.add_subparsers(dest="db_command", required=True)
    up = dbsub.add_parser("upgrade", help="apply migrations")
    up.set_defaults(func=cmd_db_upgrade)
    p = sub.add_parser("token", help="print a signed bearer token")
    p.add_argument("--sub", required=True)
    p.add_argument("--role", action="append", default=[], required=True)
    p.add_argument("--unit", action="append", default=[])
    p.add_argument("--name", default="")
    p.add_argument("--hours", type=float, default=8.0)
    p.add_argument("--personal-id", default="", help="a citizen's ID number (role citizen)")
    p.add_argument("--key", help="PEM private key: sign RS256/ES256 instead of HS256")
    p.add_argument("--kid", help="the key id its public half has in the JWKS file")
    p.set_defaults(func=cmd_token)
    p = sub.add_parser("jwks", help="print the JWKS of a private key's public half")
    p.add_argument("--key", required=True, help="PEM private key (RSA, EC or Ed25519)")
    p.add_argument("--kid", required=True, help="the key id tokens will name")
    p.set_defaults(func=cmd_jwks)
    add_calendar_commands(sub)
    add_audit_commands(sub)
    add_report_commands(sub)
    add_migrate_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    default_level = "INFO" if args.command in ("serve", "worker") else "WARNING"
    configure_logging(os.environ.get("MOTCUA_LOG_LEVEL", default_level))
    try:
        return int(args.func(args))
    except ModelRejectedError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 1
    except EngineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
