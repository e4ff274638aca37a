"""`motcua report`: the Decision 766 report of a period on the configured database.

The operator acts with the admin role (every unit), as `cli:<OS user>`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

TABLES = ("indicators", "units", "overdue", "officers")  # engine.services.report_render


def cmd_report(args: argparse.Namespace) -> int:
    """Print or write the report as JSON, CSV or HTML."""
    from engine.bootstrap import build_context, migrate
    from engine.domain.model import Actor
    from engine.domain.reporting import parse_period
    from engine.services import report_render
    from engine.services.reports import ReportRequest, service_quality_report
    from engine.settings import Settings

    period = parse_period(args.period, args.date_from, args.date_to)
    settings = Settings.from_env()
    migrate(settings)
    ctx = build_context(settings)
    actor = Actor(f"cli:{getpass.getuser()}", frozenset({"admin"}))
    listing_all = args.format == "csv" and args.table == "overdue"
    request = ReportRequest(
        period=period,
        unit=args.unit,
        procedure_id=args.procedure,
        channel=args.channel,
        list_limit=None if listing_all else args.limit,
        trend_months=args.trend if args.trend is not None else (6 if args.format == "html" else 0),
    )
    try:
        report = service_quality_report(ctx, actor, request)
    finally:
        ctx.db_engine.dispose()
    tz = ctx.calendar.hours.tz
    body: Any
    if args.format == "csv":
        body = report_render.as_csv(report, tz, args.table)
    elif args.format == "html":
        body = report_render.as_html(report, tz)
    else:
        body = json.dumps(report_render.as_json(report, tz), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(body, encoding="utf-8")
        print(f"written: {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(body)
    return 0


def add_report_commands(sub: Any) -> None:
    """Register `motcua report`."""
    p = sub.add_parser("report", help="the Decision 766 service-quality report of a period")
    p.add_argument("--period", help="a month, e.g. 2025-07")
    p.add_argument("--from", dest="date_from", help="first day (with --to), e.g. 2025-07-01")
    p.add_argument("--to", dest="date_to", help="last day, included")
    p.add_argument("--unit", help="one unit (default: every unit)")
    p.add_argument("--procedure", help="one procedure id")
    p.add_argument("--channel", type=int, choices=[1, 2, 3], help="1 in person, 2 online, 3 post")
    p.add_argument("--format", choices=["json", "csv", "html"], default="json")
    p.add_argument("--table", choices=TABLES, default="indicators", help="CSV table")
    p.add_argument("--limit", type=int, default=200, help="overdue dossiers listed")
    p.add_argument("--trend", type=int, help="months of on-time trend (HTML default 6)")
    p.add_argument("--output", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_report)
