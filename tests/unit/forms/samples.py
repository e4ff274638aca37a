"""Sample form schemas and data shaped like the birth-registration forms (fresh each call)."""

from __future__ import annotations

from typing import Any

PERSONAL_ID = {
    "title": "Số định danh cá nhân",
    "type": "string",
    "pattern": "^[0-9]{12}$",
}


def application_schema() -> dict[str, Any]:
    """A start form: nested objects, a 12-digit ID, a date, choices, an array of objects."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tờ khai đăng ký khai sinh",
        "type": "object",
        "additionalProperties": False,
        "required": ["applicant", "child", "documents"],
        "properties": {
            "applicant": {
                "type": "object",
                "title": "Người yêu cầu",
                "additionalProperties": False,
                "required": ["full_name", "personal_id"],
                "properties": {
                    "full_name": {"title": "Họ, chữ đệm, tên", "type": "string", "minLength": 2},
                    "personal_id": dict(PERSONAL_ID),
                    "email": {"title": "Thư điện tử", "type": "string", "format": "email"},
                },
            },
            "child": {
                "type": "object",
                "title": "Người được đăng ký khai sinh",
                "required": ["full_name", "gender", "date_of_birth"],
                "properties": {
                    "full_name": {"title": "Họ, chữ đệm, tên", "type": "string", "minLength": 2},
                    "gender": {
                        "title": "Giới tính",
                        "type": "string",
                        "oneOf": [
                            {"const": "male", "title": "Nam"},
                            {"const": "female", "title": "Nữ"},
                        ],
                    },
                    "date_of_birth": {
                        "title": "Ngày, tháng, năm sinh",
                        "type": "string",
                        "format": "date",
                    },
                    "ethnicity": {"title": "Dân tộc", "type": "string", "default": "Kinh"},
                    "nationality": {"title": "Quốc tịch", "type": "string", "default": "Việt Nam"},
                },
            },
            "channel": {
                "title": "Kênh nộp",
                "type": "string",
                "enum": ["counter", "online", "postal"],
            },
            "documents": {
                "type": "array",
                "title": "Thành phần hồ sơ",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["code", "name"],
                    "properties": {
                        "code": {"title": "Mã giấy tờ", "type": "string"},
                        "name": {"title": "Tên giấy tờ", "type": "string", "minLength": 2},
                    },
                },
            },
        },
    }


def valid_application() -> dict[str, Any]:
    """Data that satisfies application_schema()."""
    return {
        "applicant": {"full_name": "Nguyễn Thị Hoa", "personal_id": "001190012345"},
        "child": {"full_name": "Trần Minh An", "gender": "male", "date_of_birth": "2025-02-20"},
        "documents": [
            {"code": "TK", "name": "Tờ khai đăng ký khai sinh"},
            {"code": "GCS", "name": "Giấy chứng sinh"},
        ],
    }


def counter_check_schema() -> dict[str, Any]:
    """A check form whose missing_documents becomes required when the result is incomplete."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Kiểm tra hồ sơ",
        "type": "object",
        "additionalProperties": False,
        "required": ["check_result"],
        "properties": {
            "child": {
                "type": "object",
                "title": "Người được đăng ký khai sinh",
                "readOnly": True,
                "properties": {
                    "full_name": {"title": "Họ, chữ đệm, tên", "type": "string"},
                    "ethnicity": {"title": "Dân tộc", "type": "string", "default": "Kinh"},
                },
            },
            "check_result": {
                "title": "Kết quả kiểm tra",
                "type": "string",
                "oneOf": [
                    {"const": "complete", "title": "Hồ sơ đầy đủ"},
                    {"const": "incomplete", "title": "Cần bổ sung"},
                ],
            },
            "missing_documents": {
                "title": "Giấy tờ cần bổ sung",
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "title": "Giấy tờ", "minLength": 2},
            },
            "counter_note": {"title": "Ghi chú", "type": "string", "maxLength": 2000},
        },
        "allOf": [
            {
                "if": {
                    "properties": {"check_result": {"const": "incomplete"}},
                    "required": ["check_result"],
                },
                "then": {"required": ["missing_documents"]},
            }
        ],
    }
