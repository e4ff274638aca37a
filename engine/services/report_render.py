"""The report as JSON data, CSV tables and an HTML page for people (charts as inline SVG)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from html import escape
from typing import Any

from engine.services.report_charts import bar_chart, line_chart
from engine.services.report_lists import REASONS
from engine.services.reports import Report, data_keys_doc

CSV_TABLES = ("indicators", "units", "overdue", "officers")
CHANNEL_LABELS = {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Bưu chính công ích"}
COUNT_LABELS = {
    "received": "Tiếp nhận",
    "not_accepted": "Không được tiếp nhận",
    "resolved": "Đã giải quyết",
    "resolved_on_time": "Giải quyết đúng hạn",
    "resolved_late": "Giải quyết quá hạn",
    "in_progress": "Đang giải quyết",
    "in_progress_on_time": "Đang giải quyết trong hạn",
    "in_progress_overdue": "Đang giải quyết quá hạn",
    "overdue": "Tổng số quá hạn",
}


def _iso(value: Any, tz: Any) -> Any:
    return value.astimezone(tz).isoformat() if isinstance(value, datetime) else value


def as_json(report: Report, tz: Any) -> dict[str, Any]:
    """Plain data: period, scope, counts, indicators, points, units, lists, trend, notes."""
    req, cohort = report.request, report.cohort
    dossiers = [
        {
            **{k: _iso(v, tz) for k, v in d.items() if k not in ("id", "late_steps")},
            "reason_label": REASONS[d["reason"]],
            "late_steps": [{k: _iso(v, tz) for k, v in s.items()} for s in d["late_steps"]],
        }
        for d in report.lists.dossiers
    ]
    return {
        "period": {
            "from": req.period.first.isoformat(),
            "to": req.period.last.isoformat(),
            "label": req.period.label,
            "as_of": _iso(cohort.as_of, tz),
        },
        "scope": {
            "units": sorted(cohort.units) if cohort.units is not None else "all",
            "unit": req.unit,
            "procedure_id": req.procedure_id,
            "channel": req.channel,
        },
        "counts": report.counts,
        "indicators": [i.as_dict() for i in report.indicators],
        "groups": report.groups,
        "total": report.total,
        "by_unit": report.by_unit,
        "overdue": {
            "total": report.counts["overdue"],
            "by_unit": [
                {"unit": u["unit"], "overdue": u["overdue"]} for u in report.by_unit if u["overdue"]
            ],
            "by_officer": report.lists.by_officer,
            "dossiers": dossiers,
            "dossiers_listed": len(dossiers),
        },
        "trend": report.trend,
        "data_keys": data_keys_doc(),
    }


def as_csv(report: Report, tz: Any, table: str = "indicators") -> str:
    """One table as CSV (UTF-8 with a byte-order mark so spreadsheet programs read Vietnamese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    body = as_json(report, tz)
    if table == "indicators":
        writer.writerow(
            [
                "code",
                "name",
                "numerator",
                "denominator",
                "rate",
                "value",
                "threshold",
                "points",
                "max_points",
                "note",
            ]
        )
        for i in body["indicators"]:
            writer.writerow(
                [
                    i["code"],
                    i["name"],
                    i["numerator"],
                    i["denominator"],
                    i["rate"],
                    i["value"],
                    i["threshold"],
                    i["points"],
                    i["max_points"],
                    i["note"],
                ]
            )
    elif table == "units":
        columns = list(body["by_unit"][0]) if body["by_unit"] else ["unit"]
        writer.writerow(columns)
        for row in body["by_unit"]:
            writer.writerow([row[c] for c in columns])
    elif table == "officers":
        writer.writerow(["officer", "unit", "late_steps", "dossiers", "still_open"])
        for o in body["overdue"]["by_officer"]:
            writer.writerow(
                [o["officer"], o["unit"], o["late_steps"], o["dossiers"], o["still_open"]]
            )
    else:
        writer.writerow(
            [
                "code",
                "unit",
                "procedure_id",
                "channel",
                "received_at",
                "appointment_at",
                "finished_at",
                "reason",
                "late_steps",
            ]
        )
        for d in body["overdue"]["dossiers"]:
            steps = "; ".join(
                f"{s['element_id']} ({s['officer']}, hạn {s['due_at']})" for s in d["late_steps"]
            )
            writer.writerow(
                [
                    d["code"],
                    d["unit"],
                    d["procedure_id"],
                    d["channel"],
                    d["received_at"],
                    d["appointment_at"],
                    d["finished_at"],
                    d["reason_label"],
                    steps,
                ]
            )
    return out.getvalue()


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def as_html(report: Report, tz: Any) -> str:
    """A self-contained page: counts, indicators with points, charts, units, officers, lists."""
    b = as_json(report, tz)
    counts = b["counts"]
    scope = b["scope"]["unit"] or (
        "Toàn tỉnh" if b["scope"]["units"] == "all" else ", ".join(b["scope"]["units"])
    )
    count_rows = [[COUNT_LABELS[k], counts[k]] for k in COUNT_LABELS]
    count_rows += [
        [f"Tiếp nhận {CHANNEL_LABELS[ch]}", f"{v['count']} ({v['share'] or 0}%)"]
        for ch, v in counts["by_channel"].items()
    ]
    indicators = [
        [
            i["code"],
            i["name"],
            i["numerator"],
            i["denominator"],
            f"{i['rate']}%"
            if i["rate"] is not None
            else (i["value"] if i["value"] is not None else "—"),
            f"{i['threshold']}%" if i["threshold"] else "",
            i["points"],
            i["max_points"],
            i["note"],
        ]
        for i in b["indicators"]
    ]
    groups = [
        [g["name"], g["points"], g["measured_max_points"], g["max_points"]] for g in b["groups"]
    ]
    groups.append(
        ["Tổng", b["total"]["points"], b["total"]["measured_max_points"], b["total"]["max_points"]]
    )
    units = [
        [
            u["unit"],
            u["received"],
            u["resolved"],
            u["on_time"],
            u["overdue"],
            u["in_progress"],
            u["on_time_rate"],
            u["average_working_days"],
        ]
        for u in b["by_unit"]
    ]
    officers = [
        [o["officer"], o["unit"], o["late_steps"], o["dossiers"], o["still_open"]]
        for o in b["overdue"]["by_officer"]
    ]
    dossiers = [
        [
            d["code"],
            d["unit"],
            d["procedure_id"],
            d["received_at"],
            d["appointment_at"],
            d["finished_at"] or "",
            d["reason_label"],
            "; ".join(f"{s['element_id']} – {s['officer']}" for s in d["late_steps"]),
        ]
        for d in b["overdue"]["dossiers"]
    ]
    trend = line_chart(
        [(p["month"], p["rate"]) for p in b["trend"]],
        "Tỷ lệ hồ sơ giải quyết đúng hạn theo tháng (chỉ số 2.1)",
    )
    overdue = bar_chart(
        [(u["unit"], u["overdue"]) for u in b["overdue"]["by_unit"]], "Hồ sơ quá hạn theo đơn vị"
    )
    keys = [[k["pointer"], k["label"]] for k in b["data_keys"]]
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Báo cáo Bộ chỉ số 766 – {escape(b["period"]["label"])}</title>
<style>body{{font-family:sans-serif;margin:2em;color:#1f2933}}table{{border-collapse:collapse;
margin:0 0 1.5em}}td,th{{border:1px solid #cbd2d9;padding:3px 8px;text-align:left}}
th{{background:#f0f4f8}}h2{{margin-top:1.5em}}</style></head><body>
<h1>Báo cáo Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)</h1>
<p>Kỳ báo cáo: <b>{escape(b["period"]["label"])}</b> · Phạm vi: <b>{escape(scope)}</b> ·
Số liệu tại thời điểm: {escape(b["period"]["as_of"])}</p>
<h2>Tình hình tiếp nhận, giải quyết hồ sơ</h2>{_table(["Nội dung", "Số hồ sơ"], count_rows)}
<h2>Các chỉ số</h2>{
        _table(
            [
                "Mã",
                "Chỉ số",
                "Tử số",
                "Mẫu số",
                "Kết quả",
                "Ngưỡng",
                "Điểm",
                "Điểm tối đa",
                "Ghi chú",
            ],
            indicators,
        )
    }
<h2>Điểm theo nhóm</h2>{_table(["Nhóm", "Điểm", "Tối đa (đo được)", "Tối đa"], groups)}
<h2>Biểu đồ</h2><figure>{trend}</figure><figure>{overdue}</figure>
<h2>Theo đơn vị</h2>{
        _table(
            [
                "Đơn vị",
                "Tiếp nhận",
                "Đã giải quyết",
                "Đúng hạn",
                "Quá hạn",
                "Đang giải quyết",
                "Tỷ lệ đúng hạn (%)",
                "Thời gian TB (ngày)",
            ],
            units,
        )
    }
<h2>Cán bộ có bước xử lý quá hạn</h2>{
        _table(["Cán bộ", "Đơn vị", "Số bước quá hạn", "Số hồ sơ", "Còn đang xử lý"], officers)
    }
<h2>Danh sách hồ sơ quá hạn ({b["overdue"]["dossiers_listed"]}/{b["overdue"]["total"]})</h2>
{
        _table(
            [
                "Mã hồ sơ",
                "Đơn vị",
                "Thủ tục",
                "Ngày tiếp nhận",
                "Ngày hẹn trả",
                "Ngày kết thúc",
                "Lý do",
                "Bước quá hạn – người xử lý",
            ],
            dossiers,
        )
    }
<h2>Ghi chú</h2><p>Các chỉ số 3.6, 4.1, 4.2, 4.3 và 5.4 đọc các khóa dữ liệu hồ sơ sau
(do biểu mẫu của thủ tục ghi):</p>{_table(["Khóa", "Ý nghĩa"], keys)}
</body></html>
"""
