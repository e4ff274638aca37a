"""Every resource but health and the docs needs a valid bearer token; anything else is a 401."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest

from api.auth import issue_token
from tests.e2e.helpers import UNIT, assert_error

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TASK = str(uuid.uuid4())
PROTECTED = [
    ("GET", "/process-models"),
    ("GET", "/process-models/birth_registration"),
    ("POST", "/process-models"),
    ("POST", "/process-models/validate"),
    ("POST", "/cases"),
    ("GET", "/cases"),
    ("GET", "/cases/UBND-PHUCXA-250304-0001"),
    ("GET", "/cases/UBND-PHUCXA-250304-0001/history"),
    ("GET", "/cases/UBND-PHUCXA-250304-0001/slips"),
    ("GET", "/tasks"),
    ("GET", f"/tasks/{TASK}"),
    ("POST", f"/tasks/{TASK}/claim"),
    ("POST", f"/tasks/{TASK}/unclaim"),
    ("POST", f"/tasks/{TASK}/complete"),
]


def _claims(settings: Any, **changes: Any) -> dict[str, Any]:
    now = datetime.now(VN)
    claims: dict[str, Any] = {
        "sub": "mc.lan",
        "roles": ["officer", "counter"],
        "units": [UNIT],
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_protected_route_answers_401_without_a_token(
    client: Any, method: str, path: str
) -> None:
    response = client.open(path, method=method)
    error = assert_error(response, 401, "unauthorized")
    assert "bearer" in error["message"].lower()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_authentication_comes_before_validating_the_request(client: Any) -> None:
    # A request that is both unauthenticated and malformed must not learn about the payload rules.
    assert_error(client.post("/cases", json={"channel": "x"}), 401, "unauthorized")
    assert_error(client.get("/cases", query_string={"per_page": 0}), 401, "unauthorized")
    assert_error(client.post("/cases", data="{bad", content_type="application/json"), 401)


def test_a_token_that_expired_is_refused_and_says_so(client: Any, settings: Any) -> None:
    long_ago = datetime.now(VN) - timedelta(hours=10)
    token = issue_token(
        settings, "mc.lan", ["officer"], [UNIT], now=long_ago, ttl=timedelta(hours=1)
    )
    error = assert_error(client.get("/cases", headers=_bearer(token)), 401, "unauthorized")
    assert "expired" in error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Basic bWMubGFuOnNlY3JldA==",
        "Bearer",
        "Bearer    ",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Token abc",
        "bearer",
    ],
)
def test_a_malformed_authorization_header_is_refused(client: Any, header: str) -> None:
    assert_error(client.get("/cases", headers={"Authorization": header}), 401, "unauthorized")


def test_a_token_signed_with_another_secret_is_refused(client: Any, settings: Any) -> None:
    token = jwt.encode(_claims(settings), "another-secret-of-32-bytes-or-more!!", algorithm="HS256")
    assert_error(client.get("/cases", headers=_bearer(token)), 401, "unauthorized")


def test_an_unsigned_token_is_refused(client: Any, settings: Any) -> None:
    token = jwt.encode(_claims(settings), None, algorithm="none")
    assert_error(client.get("/cases", headers=_bearer(token)), 401, "unauthorized")


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "someone-else"},
        {"iss": "someone-else"},
        {"sub": None},
        {"exp": None},
        {"roles": "admin"},
        {"units": "UBND-PHUCXA"},
    ],
    ids=["audience", "issuer", "no-sub", "no-exp", "roles-not-list", "units-not-list"],
)
def test_a_token_with_wrong_or_missing_claims_is_refused(
    client: Any, settings: Any, changes: dict[str, Any]
) -> None:
    token = jwt.encode(_claims(settings, **changes), settings.secret_key, algorithm="HS256")
    assert_error(client.get("/cases", headers=_bearer(token)), 401, "unauthorized")


def test_a_valid_token_is_accepted(client: Any, settings: Any) -> None:
    token = jwt.encode(_claims(settings), settings.secret_key, algorithm="HS256")
    response = client.get("/cases", headers=_bearer(token))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["total"] == 0


@pytest.mark.parametrize("path", ["/health", "/openapi.json", "/docs"])
def test_health_and_the_api_docs_need_no_token(client: Any, path: str) -> None:
    assert client.get(path).status_code == 200
