"""Domain types: plain dataclasses and enums shared by services, runtime and adapters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class CaseStatus(enum.IntEnum):
    """National public service portal dossier status (TrangThaiHoSo, codes 1-10)."""

    NEW = 1
    ACCEPTED = 2
    REJECTED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    DONE = 9
    RETURNED = 10

    @property
    def label(self) -> str:
        """Vietnamese label shown to officers and citizens."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.NEW: "Mới đăng ký",
    CaseStatus.ACCEPTED: "Được tiếp nhận",
    CaseStatus.REJECTED: "Không được tiếp nhận",
    CaseStatus.PROCESSING: "Đang xử lý",
    CaseStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    CaseStatus.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    CaseStatus.WITHDRAWAL_REQUESTED: "Công dân yêu cầu rút hồ sơ",
    CaseStatus.STOPPED: "Dừng xử lý",
    CaseStatus.DONE: "Đã xử lý xong",
    CaseStatus.RETURNED: "Đã trả kết quả",
}


class Channel(enum.IntEnum):
    """How the dossier reached us (KenhThucHien)."""

    IN_PERSON = 1
    ONLINE = 2
    POSTAL = 3

    @property
    def label(self) -> str:
        """Vietnamese label."""
        return {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}[int(self)]


class TaskState(enum.StrEnum):
    """Lifecycle of a human task in the projection."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Actor:
    """Who acts: taken from the bearer token (subject, roles, units; a citizen's personal ID)."""

    sub: str
    roles: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    name: str = ""
    # The citizen's personal identification number (số định danh cá nhân) from the identity
    # provider: the dossiers whose applicant carries it are the citizen's own.
    personal_id: str = ""

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds at least one of the roles."""
        return bool(self.roles.intersection(roles))

    @property
    def primary_unit(self) -> str:
        """A stable unit to record on events (the first unit by name)."""
        return min(self.units) if self.units else ""


SYSTEM_ACTOR = Actor(sub="system", roles=frozenset({"system"}), units=frozenset())


@dataclass
class ModelVersion:
    """One immutable deployed version of a procedure's model bundle."""

    id: int
    procedure_id: str
    version: int
    content_hash: str
    process_id: str
    name: str
    tthc_code: str
    meta: dict[str, Any]
    files: dict[str, str]
    spec_json: str
    deployed_by: str
    deployed_at: datetime


@dataclass
class Case:
    """A dossier (hồ sơ): one running instance of one model version."""

    id: int
    code: str
    procedure_id: str
    tthc_code: str
    model_version_id: int
    model_hash: str
    status: CaseStatus
    channel: Channel
    unit: str
    applicant: dict[str, Any]
    received_at: datetime
    accepted_at: datetime | None
    appointment_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    completed: bool
    state: str
    data: dict[str, Any]
    row_version: int
    next_due_at: datetime | None = None
    created_by: str = ""
    last_event_seq: int = 0
    last_event_hash: str = ""
    # The legal clock (DOMAIN §1.4-1.6): intervals, milestones and the 766 verdict.
    legal_clock: dict[str, Any] = field(default_factory=dict)
    sla_state: str = "none"
    sla_next_at: datetime | None = None
    supplement_count: int = 0
    reappointments: int = 0
    paused_hours: float = 0.0
    on_time: bool | None = None
    # The counter that received the dossier when it is not the handling unit (phi địa giới:
    # a provincial counter receives for any commune of its province); "" means `unit` itself.
    receiving_unit: str = ""

    @property
    def receiver(self) -> str:
        """The unit whose counter received the dossier and returns the result."""
        return self.receiving_unit or self.unit

    @property
    def applicant_id(self) -> str:
        """The applicant's personal ID, "" when none was given."""
        return str((self.applicant or {}).get("personal_id") or "")


@dataclass
class HumanTask:
    """The queryable projection of a READY user task."""

    id: str
    case_id: int
    case_code: str
    element_id: str
    name: str
    lane: str
    candidate_groups: list[str]
    unit: str
    state: TaskState
    form: str
    created_at: datetime
    assignee: str | None = None
    claimed_at: datetime | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    kind: str = "bpmn"
    verdict: str | None = None


@dataclass
class CaseEvent:
    """One append-only history entry of a case, chained by hash."""

    case_id: int
    seq: int
    type: str
    at: datetime
    actor: str
    actor_unit: str
    payload: dict[str, Any]
    model_hash: str
    prev_hash: str = ""
    hash: str = ""
    task_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
