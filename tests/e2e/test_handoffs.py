"""GET /cases/<code>/handoffs and GET /handoffs: who may read them, and their shape."""

from __future__ import annotations

from typing import Any

from tests.e2e.helpers import assert_error, start_case


def test_a_case_without_handoffs_lists_none_to_its_unit(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    response = client.get(f"/cases/{code}/handoffs", headers=people.counter)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"code": code, "items": []}


def test_the_handoffs_of_a_case_are_hidden_outside_its_unit(client: Any, people: Any) -> None:
    code = start_case(client, people.counter)["code"]
    assert_error(client.get(f"/cases/{code}/handoffs"), 401)
    assert_error(client.get(f"/cases/{code}/handoffs", headers=people.stranger), 404, "not_found")
    assert_error(client.get(f"/cases/{code}/handoffs", headers=people.analyst), 403, "forbidden")
    assert_error(client.get("/cases/UBND-PHUCXA-250304-9999/handoffs", headers=people.admin), 404)


def test_the_unit_list_filters_by_a_known_state(client: Any, people: Any) -> None:
    response = client.get("/handoffs", query_string={"state": "escalated"}, headers=people.leader)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"items": [], "total": 0, "page": 1, "per_page": 50}
    assert (
        client.get("/handoffs", query_string={"state": "lost"}, headers=people.leader).status_code
        == 422
    )
    assert_error(client.get("/handoffs", headers=people.analyst), 403, "forbidden")
