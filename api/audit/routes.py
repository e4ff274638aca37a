"""Routes of the audit resource, and the two rules it adds to every request.

* Auditors read, never write: any request that is not a read is refused with 403 when the
  token holds the auditor role, whatever the route (checked before the route runs).
* Every read of a case's personal data by an auditor is recorded in the access log; this
  resource's own reads record themselves, the cases resource's reads are recorded here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_smorest import Blueprint

from api.audit.schemas import (
    AccessListSchema,
    AccessQuerySchema,
    AsOfQuerySchema,
    AsOfSchema,
    DigestListSchema,
    DigestSchema,
    ReplaySchema,
    SlipQuerySchema,
    TrackingSlipSchema,
    VerifyQuerySchema,
    VerifyReportSchema,
)
from api.auth import AuthError, allow, current_actor
from api.context import engine_context
from api.errors import error_body
from api.schemas import text_responses
from api.views import iso
from engine.domain.audit import Digest
from engine.services import audit, audit_reads
from engine.services.access import ADMIN, AUDITOR, OFFICER

blp = Blueprint(
    "audit",
    __name__,
    description="Audit: verify the history, replay cases, the case as it was, Mẫu 06",
    template_folder="templates",
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
READS = {"GET", "HEAD", "OPTIONS"}
# Reads of the cases resource that show personal data, with the action name they are logged as.
LOGGED_CASE_READS = {
    "cases.show_case": "show",
    "cases.show_history": "history",
    "cases.show_slips": "slips",
    "tasks.show_task": "task",
}


@blp.app_template_filter("vn_time")
def _vn_time(value: str | None) -> str:
    """hh:mm dd/mm/yyyy in Vietnam time, as printed on the slips."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(VN).strftime("%H:%M %d/%m/%Y")


@blp.before_app_request
def _auditors_read_only() -> Any:
    if request.method in READS:
        return None
    try:
        actor = current_actor()
    except AuthError:
        return None  # the route's own authentication answers
    if actor.has_role(audit.AUDITOR):
        return error_body(403, "forbidden", "auditors read, never write")
    return None


@blp.after_app_request
def _log_case_reads(response: Response) -> Response:
    action = LOGGED_CASE_READS.get(request.endpoint or "")
    if action is None or response.status_code != 200:
        return response
    actor = current_actor()
    if not actor.has_role(audit.AUDITOR):
        return response
    code = (request.view_args or {}).get("code")
    if code is None:  # a task: its prefill shows the case's data
        code = str((response.get_json(silent=True) or {}).get("case_code", ""))
    audit.record_access(engine_context(), actor, action, code)
    return response


def _digest_json(digest: Digest) -> dict[str, Any]:
    return {
        "id": digest.id,
        "kind": digest.kind,
        "created_at": iso(digest.created_at),
        "created_by": digest.created_by,
        "case_count": digest.case_count,
        "event_count": digest.event_count,
        "prev_digest": digest.prev_digest,
        "digest": digest.digest,
        "note": digest.note,
    }


@blp.route("/audit/verify", methods=["GET"])
@allow(AUDITOR, ADMIN)
@blp.arguments(VerifyQuerySchema, location="query")
@blp.response(200, VerifyReportSchema)
def verify(args: dict[str, Any]) -> dict[str, Any]:
    """Check the hash chains (one case, my units, or all) and the digest chain."""
    report = audit.verify_history(
        engine_context(), current_actor(), args.get("case"), args.get("expect")
    )
    return {
        "ok": report.ok,
        "scope": report.scope,
        "cases": report.cases,
        "events": report.events,
        "seconds": round(report.seconds, 3),
        "breaks": [b.as_dict() for b in report.breaks],
        "digests": vars(report.digests),
        "protection": report.protection,
    }


@blp.route("/audit/digests", methods=["GET"])
@allow(AUDITOR, ADMIN)
@blp.response(200, DigestListSchema)
def list_digests() -> dict[str, Any]:
    """The digest chain, newest first."""
    digests = audit.list_digests(engine_context(), current_actor())
    return {"items": [_digest_json(d) for d in reversed(digests)]}


@blp.route("/audit/digests", methods=["POST"])
@allow(ADMIN)
@blp.response(201, DigestSchema)
def record_digest() -> dict[str, Any]:
    """Record a digest over every case's history head (admin)."""
    return _digest_json(audit.record_digest(engine_context(), current_actor()))


@blp.route("/audit/access-log", methods=["GET"])
@allow(AUDITOR, ADMIN)
@blp.arguments(AccessQuerySchema, location="query")
@blp.response(200, AccessListSchema)
def access_log(args: dict[str, Any]) -> dict[str, Any]:
    """Recorded reads of personal data by auditors (of one case), newest first."""
    entries = audit.access_log(engine_context(), current_actor(), args.get("case"))
    return {
        "items": [
            {
                "at": iso(e.at),
                "actor": e.actor,
                "roles": list(e.roles),
                "units": list(e.units),
                "action": e.action,
                "case": e.case_code,
                "detail": e.detail,
            }
            for e in entries
        ]
    }


@blp.route("/cases/<string:code>/replay", methods=["GET"])
@allow(AUDITOR, ADMIN)
@blp.response(200, ReplaySchema)
def replay(code: str) -> dict[str, Any]:
    """Re-run the case from its history and compare with its stored state (auditors)."""
    result = audit_reads.replay_case(engine_context(), current_actor(), code)
    return {
        "code": result.code,
        "model_hash": result.model_hash,
        "model_version": result.model_version,
        "events": result.events,
        "commands": result.commands,
        "through_seq": result.through_seq,
        "matched": result.matched,
        "divergence": result.divergence.as_dict() if result.divergence else None,
        "replayed": result.replayed.as_dict() if result.replayed else None,
        "seconds": round(result.seconds, 3),
    }


@blp.route("/cases/<string:code>/as-of", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.arguments(AsOfQuerySchema, location="query")
@blp.response(200, AsOfSchema)
def as_of(args: dict[str, Any], code: str) -> dict[str, Any]:
    """The case as it stood after an event (?event=SEQ) or at an instant (?at=ISO)."""
    found = audit_reads.case_as_of(
        engine_context(), current_actor(), code, args.get("event"), args.get("at")
    )
    body = found.state.as_dict()
    body.update(
        code=found.code,
        requested={"event": found.requested_seq, "at": iso(found.requested_at)},
        legal_clock=found.legal_clock,
        replay_seconds=round(found.replay_seconds, 3),
    )
    return body


@blp.route("/cases/<string:code>/tracking-slip", methods=["GET"])
@allow(OFFICER, AUDITOR, ADMIN)
@blp.arguments(SlipQuerySchema, location="query")
@blp.response(200, TrackingSlipSchema)
@blp.doc(**text_responses("text/html", json=TrackingSlipSchema))
def tracking_slip(args: dict[str, Any], code: str) -> Any:
    """Mẫu 06: every hand-over with giver, receiver, time and early / on time / late.

    JSON by default; a printable HTML page with ?format=html (or Accept: text/html).
    """
    slip = audit_reads.tracking_slip(engine_context(), current_actor(), code)
    wants_html = args["format"] == "html" or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"
        and "format" not in request.args
    )
    if not wants_html:
        return slip.as_dict()
    html = render_template("audit/mau_06.html", slip=slip.as_dict())
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
