"""Realistic form data for the birth registration scenarios (names and ids are fictitious)."""

from __future__ import annotations

import copy
from typing import Any

APPLICATION: dict[str, Any] = {
    "applicant": {
        "full_name": "Nguyễn Thị Hoa",
        "personal_id": "001190012345",
        "relationship": "mother",
        "phone": "0912345678",
        "address": "Số 12 ngõ 34 phố Phúc Xá, Hà Nội",
    },
    "child": {
        "full_name": "Trần Minh An",
        "gender": "male",
        "date_of_birth": "2025-02-20",
        "place_of_birth": "Bệnh viện Phụ sản Hà Nội",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
    },
    "mother": {
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": "1990-05-14",
        "personal_id": "001190012345",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "residence": "Số 12 ngõ 34 phố Phúc Xá, Hà Nội",
    },
    "birth_certificate": {
        "number": "GCS-2025/0217",
        "issued_by": "Bệnh viện Phụ sản Hà Nội",
        "issued_on": "2025-02-21",
    },
    "documents": ["TK", "GCS"],
}

TASK_DATA: dict[str, dict[str, Any]] = {
    "counter_check/complete": {"check_result": "complete", "received_documents": ["TK", "GCS"]},
    "counter_check/incomplete": {
        "check_result": "incomplete",
        "missing_documents": ["Giấy chứng sinh bản chính"],
        "counter_note": "Thiếu bản chính Giấy chứng sinh",
    },
    "counter_check/ineligible": {
        "check_result": "ineligible",
        "refusal_reason": "Trẻ đã được đăng ký khai sinh tại UBND phường khác",
    },
    "receive_supplement": {
        "supplement_documents": ["Giấy chứng sinh bản chính"],
        "supplement_received_on": "2025-03-05",
    },
    "civil_status_record/approved": {
        "verification_result": "approved",
        "registration": {
            "book_number": "01/2025",
            "register_number": "125",
            "registered_on": "2025-03-04",
            "child_personal_id": "001225004567",
        },
    },
    "leader_sign/signed": {"leader_decision": "signed"},
    "return_result/in_person": {
        "return_method": "in_person",
        "received_by": "Nguyễn Thị Hoa",
        "copies_issued": 2,
    },
}


def application() -> dict[str, Any]:
    """A fresh copy of the application (start form) data."""
    return copy.deepcopy(APPLICATION)


def task_data(key: str) -> dict[str, Any]:
    """A fresh copy of a task's form data."""
    return copy.deepcopy(TASK_DATA[key])
