"""The official slips (Mẫu 01-03, TT 03/2025/TT-VPCP) filled from the case: data, not layout."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.domain.model import Actor, Case
from engine.domain.procedure import ProcedureMeta

VN = ZoneInfo("Asia/Ho_Chi_Minh")

SLIP_TITLES = {
    "mau_01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "mau_02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "mau_03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "mau_04": "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "mau_05": "Thông báo dừng giải quyết hồ sơ",
    "mau_06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}


def _local(instant: datetime | None) -> str | None:
    # Slips print local time (hh:mm dd/mm/yyyy on paper); ISO with +07:00 keeps it exact.
    return instant.astimezone(VN).isoformat() if instant else None


def _documents(codes: Any, meta: ProcedureMeta) -> list[dict[str, str]]:
    names = {
        d.get("code"): d.get("name") for d in meta.raw.get("documents", []) if isinstance(d, dict)
    }
    if not isinstance(codes, list):
        return []
    return [{"code": str(c), "name": str(names.get(c, c))} for c in codes]


def build_slip(
    kind: str, case: Case, meta: ProcedureMeta, actor: Actor, now: datetime
) -> dict[str, Any]:
    """The data of one slip as issued now."""
    data = case.data or {}
    applicant = case.applicant or {}
    slip: dict[str, Any] = {
        "form": kind,
        "title": SLIP_TITLES.get(kind, kind),
        "number": f"{case.code}/{kind.replace('mau_', '')}",
        "dossier_code": case.code,
        "receiving_unit": case.unit,
        "procedure": {"tthc_code": meta.tthc_code, "name": meta.name},
        "applicant": {
            "full_name": applicant.get("full_name"),
            "personal_id": applicant.get("personal_id"),
            "address": applicant.get("address"),
            "phone": applicant.get("phone"),
            "email": applicant.get("email"),
        },
        "issued_at": _local(now),
        "issued_by": actor.sub,
    }
    if kind == "mau_01":
        slip.update(
            {
                "documents": _documents(
                    data.get("received_documents") or data.get("documents"), meta
                ),
                "sets": 1,
                "time_limit": meta.time_limit,
                "received_at": _local(case.accepted_at or now),
                "appointment_at": _local(case.appointment_at),
                "result_delivery": "Bộ phận Một cửa",
            }
        )
    elif kind == "mau_02":
        slip.update(
            {
                "missing_documents": data.get("missing_documents") or [],
                "note": data.get("counter_note") or data.get("officer_note") or "",
                "once_only": True,
            }
        )
    elif kind == "mau_03":
        slip.update({"reason": data.get("refusal_reason") or ""})
    return slip
