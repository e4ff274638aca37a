"""Routes: GET /reports/766 (JSON, CSV, HTML) and GET /metrics (Prometheus text format)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from api.auth import allow, current_actor
from api.context import engine_context
from api.reports.metrics import exposition
from api.reports.schemas import ReportQuerySchema, ReportSchema
from api.schemas import text_responses
from engine.domain.reporting import parse_period
from engine.services import report_render
from engine.services.access import ADMIN, AUDITOR, LEADER, OPERATOR
from engine.services.operations import operations_snapshot
from engine.services.reports import ReportRequest, service_quality_report

blp = Blueprint(
    "reports", __name__, description="Decision 766 service-quality figures; operators' metrics"
)


@blp.route("/reports/766", methods=["GET"])
@allow(LEADER, AUDITOR, ADMIN)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportSchema)
@blp.doc(**text_responses("text/csv", "text/html", json=ReportSchema))
def report_766(args: dict[str, Any]) -> Any:
    """The 766 figures, counts and overdue lists of a period (leaders, auditors, admins).

    `?period=2025-07` or `?from=2025-07-01&to=2025-07-15`; narrow with `unit`, `procedure`,
    `channel`. `format=csv` gives one table (`table=indicators|units|overdue|officers`),
    `format=html` a page for people with its charts.
    """
    ctx = engine_context()
    first, last = args.get("from_"), args.get("to")
    period = parse_period(
        args.get("period"), first.isoformat() if first else None, last.isoformat() if last else None
    )
    fmt = args["format"]
    request = ReportRequest(
        period=period,
        unit=args.get("unit"),
        procedure_id=args.get("procedure"),
        channel=args.get("channel"),
        as_of=args.get("as_of"),
        list_limit=None if fmt == "csv" and args["table"] == "overdue" else args["limit"],
        trend_months=args.get("trend", 6 if fmt == "html" else 0),
    )
    report = service_quality_report(ctx, current_actor(), request)
    tz = ctx.calendar.hours.tz
    if fmt == "csv":
        name = f"bao-cao-766-{period.first:%Y%m%d}-{period.last:%Y%m%d}-{args['table']}.csv"
        return Response(
            report_render.as_csv(report, tz, args["table"]),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    if fmt == "html":
        return Response(report_render.as_html(report, tz), mimetype="text/html")
    return report_render.as_json(report, tz)


@blp.route("/metrics", methods=["GET"])
@allow(OPERATOR, AUDITOR, ADMIN)
@blp.doc(**text_responses("text/plain", description="Prometheus text exposition"))
def metrics() -> Response:
    """Prometheus metrics: cases, tasks, timers and their lateness, incidents, outbox.

    Needs a token with the operator, auditor or admin role (Prometheus `authorization`).
    """
    snapshot = operations_snapshot(engine_context(), current_actor())
    body, content_type = exposition(snapshot)
    return Response(body, content_type=content_type)
