"""Service tasks in production: bound to the built-in connectors at deploy, called when run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.bootstrap import build_context
from engine.domain.errors import ModelRejectedError
from engine.domain.model import Actor
from engine.services import cases
from engine.services.bundles import read_bundle
from engine.services.models import deploy_bundle, validate_bundle
from engine.services.replay import load_recorded, replay

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO = Path(__file__).parent / "data" / "service_demo"
UNIT = "UBND-TEST"
OFFICER = Actor("cv.an", frozenset({"officer"}), frozenset({UNIT}))
ANALYST = Actor("analyst.an", frozenset({"analyst"}), frozenset())


@pytest.fixture
def service_ctx(settings: Any, clock: Any) -> Iterator[Any]:
    """A context with the service-task demo deployed through the production path."""
    context = build_context(settings, clock=clock)
    deploy_bundle(context, ANALYST, read_bundle(DEMO))
    yield context
    context.db_engine.dispose()


def test_a_case_runs_its_service_tasks_through_the_registered_connectors(
    service_ctx: Any, clock: Any
) -> None:
    # Friday 15:00: 1.5 working days are the last two office hours of Friday, all of Monday
    # and two hours of Tuesday (the working calendar, not the wall clock).
    clock.set(datetime(2025, 3, 7, 15, 0, tzinfo=VN))
    view = cases.start_case(
        service_ctx, OFFICER, "service_demo", 1, UNIT, {"copies": 1}, {"full_name": "Lê Văn B"}
    )

    assert view.case.data["internal_deadline"] == {"due_at": "2025-03-11T09:30:00+07:00"}
    assert view.case.data["intake"] == {"office": "Bộ phận Một cửa", "copies": 2}
    assert [t.element_id for t in view.open_tasks] == ["review"]
    result = replay(service_ctx, load_recorded(service_ctx, view.case))
    assert result.matched, result.divergence


def test_a_service_task_bound_to_an_unknown_connector_is_refused_at_deploy(
    service_ctx: Any,
) -> None:
    files = read_bundle(DEMO)
    files["service_demo.bpmn"] = files["service_demo.bpmn"].replace(
        b'id="motcua.set_data"', b'id="dvc.sync_dossier"'
    )
    with pytest.raises(ModelRejectedError) as refused:
        deploy_bundle(service_ctx, ANALYST, files)
    [problem] = [p for p in refused.value.problems if p.severity == "error"]
    assert problem.element_id == "stamp"
    assert "'dvc.sync_dossier', which is not a registered connector" in problem.message
    assert not validate_bundle(files).ok and validate_bundle(read_bundle(DEMO)).ok
