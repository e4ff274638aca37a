"""Realistic form data for the scenarios of each procedure (names and ids are fictitious)."""

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


# --- Household-business registration (Đăng ký thành lập hộ kinh doanh, TTHC 1.001612) ---

HOUSEHOLD_BUSINESS: dict[str, Any] = {
    "name": "Hộ kinh doanh Phở Phúc",
    "address": {
        "street": "Số 25 phố Hàng Bạc",
        "ward": "Phường Hoàn Kiếm",
        "province": "Thành phố Hà Nội",
    },
    "phone": "0987654321",
    "email": "phophuc.hangbac@example.vn",
    "lines_of_business": [
        {"code": "5610", "name": "Nhà hàng và các dịch vụ ăn uống phục vụ lưu động"},
        {"code": "5630", "name": "Dịch vụ phục vụ đồ uống"},
    ],
    "capital": 300_000_000,
    "employees": 4,
}

HOUSEHOLD_APPLICATION: dict[str, Any] = {
    "applicant": {
        "full_name": "Lê Văn Phúc",
        "personal_id": "001085023456",
        "capacity": "owner",
        "phone": "0987654321",
        "email": "levanphuc@example.vn",
        "address": "Số 25 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    },
    "owner": {
        "full_name": "Lê Văn Phúc",
        "gender": "male",
        "date_of_birth": "1985-07-12",
        "ethnicity": "Kinh",
        "nationality": "Việt Nam",
        "personal_id": "001085023456",
        "residence": "Số 25 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
        "phone": "0987654321",
    },
    "business": HOUSEHOLD_BUSINESS,
    "documents": ["GDN", "GTPL"],
}

HB = "household_business:"
TASK_DATA.update(
    {
        HB + "counter_check/complete": {
            "check_result": "complete",
            "received_documents": ["GDN", "GTPL"],
            "counter_note": "Đã đối chiếu thông tin chủ hộ với CSDL quốc gia về dân cư",
        },
        HB + "counter_check/incomplete": {
            "check_result": "incomplete",
            "missing_documents": ["Giấy đề nghị đăng ký hộ kinh doanh có chữ ký của chủ hộ"],
            "counter_note": "Giấy đề nghị chưa có chữ ký của chủ hộ kinh doanh",
        },
        HB + "counter_check/ineligible": {
            "check_result": "ineligible",
            "refusal_reason": "Chủ hộ đang là chủ một hộ kinh doanh khác; mỗi cá nhân chỉ được "
            "đăng ký một hộ kinh doanh trong phạm vi toàn quốc",
        },
        HB + "receive_supplement": {
            "supplement_documents": ["Giấy đề nghị đăng ký hộ kinh doanh có chữ ký của chủ hộ"],
            "supplement_received_on": "2025-03-05",
        },
        HB + "review_registration/approved": {
            "review_result": "approved",
            "review_checks": {"name_ok": True, "business_lines_ok": True, "address_ok": True},
            "officer_note": "Tên riêng không trùng trên địa bàn; ngành 5610, 5630 không có điều kiện",
        },
        HB + "review_registration/needs_supplement": {
            "review_result": "needs_supplement",
            "missing_documents": [
                "Giấy đề nghị đăng ký hộ kinh doanh sửa tên riêng (tên “Phở Phúc” trùng với hộ "
                "kinh doanh đã đăng ký trên địa bàn)"
            ],
            "officer_note": "Tên riêng trùng với hộ kinh doanh đã đăng ký tại phường",
        },
        HB + "review_registration/refused": {
            "review_result": "refused",
            "refusal_reason": "Chủ hộ kinh doanh đang là chủ doanh nghiệp tư nhân, không được "
            "đồng thời đăng ký hộ kinh doanh",
        },
        HB + "receive_processing_supplement": {
            "supplement_documents": ["Giấy đề nghị đăng ký hộ kinh doanh (bản sửa tên riêng)"],
            "supplement_received_on": "2025-03-06",
            "business": {**HOUSEHOLD_BUSINESS, "name": "Hộ kinh doanh Phở Phúc Hàng Bạc"},
        },
        HB + "record_tax_code": {
            "tax_code": "0109876543",
            "tax_office": "Thuế cơ sở 1 thành phố Hà Nội",
            "tax_code_issued_on": "2025-03-05",
        },
        HB + "leader_sign/signed": {"leader_decision": "signed"},
        HB + "leader_sign/returned": {
            "leader_decision": "returned",
            "leader_comment": "Đề nghị kiểm tra lại mã ngành 5630 theo Giấy đề nghị",
        },
        HB + "return_result/in_person": {
            "return_method": "in_person",
            "received_by": "Lê Văn Phúc",
            "return_note": "Trả bản chính Giấy chứng nhận đăng ký hộ kinh doanh",
        },
        HB + "remind_processing": {
            "reminder_instruction": "Đề nghị chuyên viên hoàn thành kiểm tra trong sáng mai để "
            "kịp trình ký, trả kết quả đúng hẹn",
        },
        HB + "apology_reappointment": {
            "reason": "Hệ thống đăng ký thuế gián đoạn, chưa trả mã số thuế cho hộ kinh doanh",
            "new_appointment_at": "2025-03-11T09:00:00+07:00",
            "signed_by": "Nguyễn Văn Hùng",
            "signer_title": "Trưởng phòng Kinh tế",
        },
    }
)


def household_application() -> dict[str, Any]:
    """A fresh copy of the household-business application (start form) data."""
    return copy.deepcopy(HOUSEHOLD_APPLICATION)
