"""Health: answers without a token and says whether the database is reachable."""

from __future__ import annotations

from typing import Any


def test_health_reports_the_service_and_database_ok(client: Any) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert isinstance(body.get("schema_revision", ""), str)
    assert response.headers["Cache-Control"] == "no-store"


def test_health_reports_degraded_when_the_database_is_gone(client: Any, ctx: Any) -> None:
    def broken() -> Any:
        raise ConnectionError("database unreachable")

    ctx.read_uow = broken
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["database"].startswith("unreachable")
