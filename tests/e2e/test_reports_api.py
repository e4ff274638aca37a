"""GET /reports/766 (JSON, CSV, HTML with SVG charts), GET /metrics and `motcua report`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import OTHER_UNIT, PROCEDURE, UNIT, assert_error
from tests.report_dataset import VN, Dataset, generate

MONTH = "2025-07"


@pytest.fixture
def dossiers(ctx: Any, clock: Any) -> Dataset:
    """300 birth registrations of two units over July 2025; the clock moved to August."""
    from engine.adapters.rows import CaseRow, TaskRow

    with ctx.reader() as uow:
        version = uow.models.latest(PROCEDURE)
    versions = {PROCEDURE: (version.id, version.content_hash, "SD")}
    data = generate(300, versions, ctx.calendar, months=((2025, 7),), units=(UNIT, OTHER_UNIT))
    with ctx.db_engine.begin() as conn:
        conn.execute(CaseRow.__table__.insert(), data.cases)
        conn.execute(TaskRow.__table__.insert(), data.tasks)
    clock.set(datetime(2025, 8, 4, 9, 0, tzinfo=VN))
    return data


def _expected_rate(data: Dataset, unit: str | None) -> float:
    pop = [t for t in data.truth if t.population and (unit is None or t.unit == unit)]
    return round(100 * sum(t.on_time for t in pop) / len(pop), 2)


def test_a_leader_gets_the_figures_of_their_unit(client: Any, people: Any, dossiers: Dataset):
    response = client.get(f"/reports/766?period={MONTH}", headers=people.leader)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["scope"]["units"] == [UNIT]
    assert [u["unit"] for u in body["by_unit"]] == [UNIT]
    rate = next(i for i in body["indicators"] if i["code"] == "2.1")["rate"]
    assert rate == pytest.approx(_expected_rate(dossiers, UNIT), abs=0.011)
    assert body["counts"]["received"] == sum(t.unit == UNIT for t in dossiers.truth)
    officers = {o["officer"] for o in body["overdue"]["by_officer"]}
    assert officers == {o for t in dossiers.truth if t.unit == UNIT for o in t.late_steps}


def test_officers_are_refused_and_leaders_keep_to_their_units(
    client: Any, people: Any, dossiers: Dataset
):
    assert_error(client.get(f"/reports/766?period={MONTH}", headers=people.counter), 403)
    other = client.get(f"/reports/766?period={MONTH}&unit={OTHER_UNIT}", headers=people.leader)
    assert_error(other, 403, "forbidden")
    assert_error(client.get(f"/reports/766?period={MONTH}"), 401)
    assert_error(client.get("/reports/766?period=2025-13", headers=people.admin), 400)
    assert_error(client.get("/reports/766", headers=people.admin), 400)
    auditor = client.get(f"/reports/766?period={MONTH}", headers=people.auditor).get_json()
    assert auditor["scope"]["units"] == [UNIT]
    admin = client.get(f"/reports/766?period={MONTH}", headers=people.admin).get_json()
    assert admin["scope"]["units"] == "all"
    assert admin["counts"]["received"] == len(dossiers.truth)


def test_the_csv_tables_hold_the_same_figures(client: Any, people: Any, dossiers: Dataset):
    response = client.get(f"/reports/766?period={MONTH}&format=csv", headers=people.admin)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = next(r for r in rows if r["code"] == "2.1")
    assert float(row["rate"]) == pytest.approx(_expected_rate(dossiers, None), abs=0.011)
    overdue = client.get(
        f"/reports/766?period={MONTH}&format=csv&table=overdue", headers=people.admin
    )
    listed = list(csv.DictReader(io.StringIO(overdue.get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["code"] for r in listed} == {
        t.code for t in dossiers.truth if t.population and not t.on_time
    }


def test_the_html_report_draws_its_charts_and_shows_the_numbers(
    client: Any, people: Any, dossiers: Dataset
):
    response = client.get(f"/reports/766?period={MONTH}&format=html", headers=people.admin)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    rate = _expected_rate(dossiers, None)
    svgs = [page[i : page.index("</svg>", i) + 6] for i in _find_all(page, "<svg")]
    assert len(svgs) == 2
    trend, by_unit = (ElementTree.fromstring(svg) for svg in svgs)
    trend_text = " ".join(t.text or "" for t in trend.iter("{http://www.w3.org/2000/svg}text"))
    assert f"{rate:.2f}%" in trend_text and "07/2025" in trend_text
    bars = [t.text for t in by_unit.iter("{http://www.w3.org/2000/svg}text")]
    late = {
        u: sum(1 for t in dossiers.truth if t.unit == u and t.population and not t.on_time)
        for u in (UNIT, OTHER_UNIT)
    }
    for unit, count in late.items():
        assert unit in bars and str(count) in bars
    assert f"{rate}%" in page  # the indicator table
    late_officer = next(o for t in dossiers.truth for o in t.late_steps if o.startswith("cb."))
    assert late_officer in page
    assert "<script" not in page


def _find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def test_metrics_count_cases_tasks_and_open_cases_by_sla_state(
    client: Any, people: Any, dossiers: Dataset, token_for: Any
):
    assert_error(client.get("/metrics"), 401)
    assert_error(client.get("/metrics", headers=people.counter), 403)
    operator = token_for("prometheus", ["operator"], [])
    response = client.get("/metrics", headers=operator)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert f'motcua_cases_started_total{{procedure="{PROCEDURE}"}} 300.0' in text
    finished = sum(c["completed"] for c in dossiers.cases)
    assert f'motcua_cases_finished_total{{procedure="{PROCEDURE}"}} {finished}.0' in text
    paused = sum(c["sla_state"] == "paused" and not c["completed"] for c in dossiers.cases)
    assert f'motcua_cases_open{{sla_state="paused"}} {paused}.0' in text
    late = sum(t["state"] == "completed" and t["verdict"] == "late" for t in dossiers.tasks)
    assert f'motcua_tasks_completed_total{{kind="bpmn",verdict="late"}} {late}.0' in text
    assert "motcua_timers_fired_total 0.0" in text


@pytest.mark.only_on("sqlite")  # the command is exercised once, on the SQLite file
def test_the_report_command_writes_csv_and_html(
    ctx: Any, dossiers: Dataset, settings: Any, tmp_path: Path
):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update(MOTCUA_DATABASE_URL=settings.database_url, MOTCUA_SECRET_KEY=settings.secret_key)
    motcua = str(Path(sys.executable).with_name("motcua"))
    out = tmp_path / "r.json"
    run = subprocess.run(
        [motcua, "report", "--period", MONTH, "--unit", UNIT, "--output", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    body = json.loads(out.read_text(encoding="utf-8"))
    rate = next(i for i in body["indicators"] if i["code"] == "2.1")["rate"]
    assert body["period"]["as_of"].startswith("2025-08-01T00:00:00+07:00")
    assert rate == pytest.approx(_expected_rate(dossiers, UNIT), abs=0.011)
    html = tmp_path / "r.html"
    run = subprocess.run(
        [motcua, "report", "--period", MONTH, "--format", "html", "--output", str(html)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "<svg" in html.read_text(encoding="utf-8")
    bad = subprocess.run(
        [motcua, "report", "--period", "July"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "2025-07" in bad.stderr
