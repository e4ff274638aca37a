"""Records for the national public service portal (Cổng DVCQG), in its field names (DOMAIN §5).

Every status change (TrangThaiHoSo 1-10) of a dossier becomes a dossier record ("đồng bộ hồ
sơ", outbox name ``hoso``) and every completed step a progress record ("đồng bộ tiến trình",
``tientrinh``), written in the command's transaction to the dossier's own stream, so the portal
receives every intermediate state in order (OpenCPS kept one snapshot and lost the rest). A new
or moved appointment is part of the record of the status that set it, or a record of its own
(with the old and new dates in DanhSachHoSoBoSung). Instants are ISO 8601 in Vietnam time.
Fields motcua adds to the portal's: ThuTuDongBo (the event's sequence number in the dossier's
history, for the receiver to check order) and KetQuaBuoc (early / on time / late, Mẫu 06) [I].
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState
from engine.domain.model import Case, CaseEvent, CaseStatus

if TYPE_CHECKING:
    from engine.services.recording import CaseRecorder

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIER_RECORD, PROGRESS_RECORD = "hoso", "tientrinh"
STARTS = frozenset({"case_received", "case_started_by_message"})
APPOINTMENTS = frozenset({"appointment_set", "appointment_changed"})
FINISHED = {CaseStatus.REJECTED, CaseStatus.STOPPED, CaseStatus.DONE, CaseStatus.RETURNED}
VERDICTS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def stream_of(case: Case) -> str:
    """One portal stream per dossier."""
    return f"portal:{case.code}"


def _at(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(VN).isoformat(timespec="seconds")


def on_event(recorder: CaseRecorder, event: CaseEvent) -> None:
    """Queue the portal record an event of the case's history calls for (if portal sync is on)."""
    if not recorder.ctx.messaging.portal_enabled:
        return
    if event.type in STARTS:
        _add(recorder, event, DOSSIER_RECORD, dossier_record(recorder, event, CaseStatus.NEW))
    elif event.type == "status_changed":
        status = CaseStatus(int(event.payload["to"]))
        _add(recorder, event, DOSSIER_RECORD, dossier_record(recorder, event, status))
    elif event.type in APPOINTMENTS:
        _appointment(recorder, event)
    elif event.type == "task_completed":
        _add(recorder, event, PROGRESS_RECORD, progress_record(recorder, event))


def _add(recorder: CaseRecorder, event: CaseEvent, kind: str, payload: dict[str, Any]) -> None:
    case = recorder.case
    recorder.uow.outbox.add(
        OutboxMessage(
            key=f"portal/{case.code}/{event.seq}",
            channel=OutboxChannel.PORTAL,
            name=kind,
            stream=stream_of(case),
            payload=payload,
            created_at=recorder.now,
            dossier=case.code,
            source_case=case.code,
            source_seq=event.seq,
            sender=recorder.actor.sub,
            state=OutboxState.PENDING,
            next_attempt_at=recorder.now,
        )
    )


def _appointment(recorder: CaseRecorder, event: CaseEvent) -> None:
    """Put the new appointment on the record of the status that set it, or send its own."""
    p = event.payload
    change = None
    if event.type == "appointment_changed" or p.get("before"):
        change = {
            "NgayBoSung": _at(event.at),
            "NoiDungBoSung": p.get("reason") or p.get("cause") or "",
            "NgayHenTraTruoc": _at(p.get("before")),
            "NgayHenTraMoi": _at(p.get("appointment_at")),
        }
    last = recorder.uow.outbox.last_added(stream_of(recorder.case))
    if last is not None and last.name == DOSSIER_RECORD:
        record = dict(last.payload)
        record["NgayHenTra"] = _at(recorder.case.appointment_at)
        if change:
            record["DanhSachHoSoBoSung"] = [*record.get("DanhSachHoSoBoSung", []), change]
        recorder.uow.outbox.amend_payload(last, record)
        return
    record = dossier_record(recorder, event, recorder.case.status)
    if change:
        record["DanhSachHoSoBoSung"] = [change]
    _add(recorder, event, DOSSIER_RECORD, record)


def dossier_record(recorder: CaseRecorder, event: CaseEvent, status: CaseStatus) -> dict[str, Any]:
    """The dossier ("đồng bộ hồ sơ") record of the case at this event."""
    case, meta = recorder.case, recorder.deployed.meta
    applicant = case.applicant or {}
    finished = case.finished_at or (event.at if status in FINISHED else None)
    returned = case.returned_at or (event.at if status == CaseStatus.RETURNED else None)
    accepted = case.accepted_at or (event.at if status == CaseStatus.ACCEPTED else None)
    supplements = []
    if status == CaseStatus.SUPPLEMENT_REQUESTED:
        missing = (case.data or {}).get("missing_documents") or []
        supplements.append(
            {
                "NguoiYeuCauBoSung": event.actor,
                "NoiDungBoSung": "; ".join(map(str, missing)),
                "NgayBoSung": _at(event.at),
                "TrangThaiBoSung": 0,
            }
        )
    return {
        "MaHoSo": case.code,
        "MaTTHC": case.tthc_code,
        "TenTTHC": meta.name,
        "TenLinhVuc": str(meta.raw.get("field") or ""),
        "KenhThucHien": int(case.channel),
        "ChuHoSo": applicant.get("full_name", ""),
        "MaDoiTuong": applicant.get("personal_id", ""),
        "SoDienThoai": applicant.get("phone", ""),
        "Email": applicant.get("email", ""),
        "TrichYeuHoSo": f"{meta.name}: {applicant.get('full_name', '')}".strip(": "),
        "DonViXuLy": case.unit,
        "NgayNopHoSo": _at(case.received_at),
        "NgayTiepNhan": _at(accepted),
        "NgayHenTra": _at(case.appointment_at),
        "TrangThaiHoSo": int(status),
        "NgayKetThucXuLy": _at(finished),
        "NgayTra": _at(returned),
        "DanhSachLePhi": [
            {
                "MaPhiLePhi": str(fee.get("code", "")),
                "TenPhiLePhi": str(fee.get("name", "")),
                "Gia": fee.get("amount", 0),
            }
            for fee in meta.raw.get("fees") or []
            if isinstance(fee, dict)
        ],
        "DanhSachHoSoBoSung": supplements,
        "ThoiDiemDongBo": _at(event.at),
        "ThuTuDongBo": event.seq,
    }


def progress_record(recorder: CaseRecorder, event: CaseEvent) -> dict[str, Any]:
    """The progress ("đồng bộ tiến trình") record of a completed step: the tracking slip row."""
    p = event.payload
    task = recorder.uow.tasks.get(event.task_id) if event.task_id else None
    return {
        "MaHoSo": recorder.case.code,
        "NguoiXuLy": event.actor,
        "ChucDanh": "",
        "ThoiDiemXuLy": _at(event.at),
        "PhongBanXuLy": event.actor_unit,
        "NoiDungXuLy": p.get("name") or p.get("element_id") or "",
        "TrangThai": int(recorder.case.status),
        "NgayBatDau": _at(task.created_at) if task is not None else None,
        "NgayKetThucTheoQuyDinh": _at(p.get("due_at")),
        "KetQuaBuoc": VERDICTS.get(str(p.get("verdict")), ""),
        "ThuTuDongBo": event.seq,
    }
