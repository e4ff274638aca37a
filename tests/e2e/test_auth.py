"""Every resource but health and the docs needs a valid bearer token; anything else is a 401."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jwt

from api.auth import issue_token
from tests.e2e.helpers import UNIT, assert_error, bearer, token_claims

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLIC_PATHS = {"/health", "/openapi.json", "/docs", "/static/<path:filename>"}
CORE_ROUTES = {
    ("GET", "/process-models"),
    ("GET", "/process-models/<string:procedure_id>"),
    ("POST", "/process-models"),
    ("POST", "/process-models/validate"),
    ("POST", "/cases"),
    ("GET", "/cases"),
    ("GET", "/cases/<string:code>"),
    ("GET", "/cases/<string:code>/history"),
    ("GET", "/tasks"),
    ("GET", "/tasks/<string:task_id>"),
    ("POST", "/tasks/<string:task_id>/claim"),
    ("POST", "/tasks/<string:task_id>/unclaim"),
    ("POST", "/tasks/<string:task_id>/complete"),
}


def _placeholder(match: re.Match[str]) -> str:
    # A value each converter accepts, so that the route itself is reached.
    return {"int": "2025", "float": "1.5"}.get(match.group(1), str(uuid.uuid4()))


def _routes(app: Any) -> list[tuple[str, str, str]]:
    """(method, rule, concrete path) of every route the app serves, bar the public ones."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC_PATHS:
            continue
        path = re.sub(r"<(\w+):?[^>]*>", _placeholder, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule, path))
    return routes


def test_every_route_but_health_and_docs_answers_401_without_a_token(app: Any, client: Any) -> None:
    routes = _routes(app)
    assert CORE_ROUTES <= {(method, rule) for method, rule, _ in routes}
    for method, rule, path in routes:
        response = client.open(path, method=method)
        error = assert_error(response, 401, "unauthorized", where=(method, rule))
        assert "bearer" in error["message"].lower()
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), (method, rule)


def test_authentication_comes_before_validating_the_request(client: Any) -> None:
    # A request both unauthenticated and malformed must not learn about the payload rules.
    assert_error(client.post("/cases", json={"channel": "x"}), 401, "unauthorized")
    assert_error(client.get("/cases", query_string={"per_page": 0}), 401, "unauthorized")
    bad_json = client.post("/cases", data="{bad", content_type="application/json")
    assert_error(bad_json, 401, "unauthorized")
    complete = client.post(f"/tasks/{uuid.uuid4()}/complete", json={"data": "x"})
    assert_error(complete, 401, "unauthorized")


def test_a_token_that_expired_is_refused_and_says_so(client: Any, settings: Any) -> None:
    long_ago = datetime.now(VN) - timedelta(hours=10)
    token = issue_token(
        settings, "mc.lan", ["officer"], [UNIT], now=long_ago, ttl=timedelta(hours=1)
    )
    error = assert_error(client.get("/cases", headers=bearer(token)), 401, "unauthorized")
    assert "expired" in error["message"]


def test_a_malformed_authorization_header_is_refused(client: Any) -> None:
    for header in (
        "Basic bWMubGFuOnNlY3JldA==",
        "Bearer",
        "Bearer    ",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Token abc",
        "bearer",
    ):
        response = client.get("/cases", headers={"Authorization": header})
        assert_error(response, 401, "unauthorized", where=header)


def test_a_token_signed_with_another_secret_is_refused(client: Any, settings: Any) -> None:
    token = jwt.encode(
        token_claims(settings), "another-secret-of-32-bytes-or-more!!", algorithm="HS256"
    )
    assert_error(client.get("/cases", headers=bearer(token)), 401, "unauthorized")


def test_an_unsigned_token_is_refused(client: Any, settings: Any) -> None:
    token = jwt.encode(token_claims(settings), None, algorithm="none")
    assert_error(client.get("/cases", headers=bearer(token)), 401, "unauthorized")


def test_a_token_with_wrong_or_missing_claims_is_refused(client: Any, settings: Any) -> None:
    for changes in (
        {"aud": "someone-else"},
        {"iss": "someone-else"},
        {"sub": None},
        {"exp": None},
        {"roles": "admin"},
        {"units": "UBND-PHUCXA"},
    ):
        token = jwt.encode(
            token_claims(settings, **changes), settings.secret_key, algorithm="HS256"
        )
        response = client.get("/cases", headers=bearer(token))
        assert_error(response, 401, "unauthorized", where=changes)


def test_a_valid_token_is_accepted(client: Any, settings: Any) -> None:
    token = jwt.encode(token_claims(settings), settings.secret_key, algorithm="HS256")
    response = client.get("/cases", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["total"] == 0


def test_health_and_the_api_docs_need_no_token(client: Any) -> None:
    for path in ("/health", "/openapi.json", "/docs"):
        assert client.get(path).status_code == 200, path
