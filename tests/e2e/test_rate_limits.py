"""Rate limits: per token subject, or per client address without a valid token; 429 in the
common error shape. Each test sets a tiny limit on its own app (the suite's default is far
above anything a test sends), so no other test can trip it."""

from __future__ import annotations

import dataclasses
import os
import uuid
from typing import Any

import pytest

from api.app import create_app
from tests.e2e.helpers import UNIT, assert_error


def _client(settings: Any, ctx: Any, **changes: Any) -> Any:
    return create_app(dataclasses.replace(settings, **changes), ctx).test_client()


def test_a_subject_over_its_limit_gets_429_with_retry_after_and_others_go_on(
    settings: Any, ctx: Any, token_for: Any
) -> None:
    client = _client(settings, ctx, rate_limit="3 per minute")
    lan = token_for("mc.lan", ["officer", "counter"], [UNIT])
    binh = token_for("mc.binh", ["officer", "counter"], [UNIT])
    for _ in range(3):
        assert client.get("/cases", headers=lan).status_code == 200

    refused = client.get("/cases", headers=lan)

    error = assert_error(refused, 429, "too_many_requests")
    assert "3 per 1 minute" in error["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert client.get("/cases", headers=binh).status_code == 200  # another subject's budget
    for _ in range(5):  # health checks and the docs are not limited
        assert client.get("/health").status_code == 200


def test_requests_without_a_valid_token_are_limited_by_client_address(
    settings: Any, ctx: Any
) -> None:
    client = _client(settings, ctx, rate_limit="2 per minute", proxy_hops=1)
    first = {"X-Forwarded-For": "203.0.113.7", "Authorization": "Bearer forged"}
    second = {"X-Forwarded-For": "203.0.113.8"}
    assert_error(client.get("/cases", headers=first), 401)
    assert_error(client.get("/cases", headers=first), 401)
    assert_error(client.get("/cases", headers=first), 429, "too_many_requests")
    # Behind the trusted proxy, the forwarded address is the client's own budget.
    assert_error(client.get("/cases", headers=second), 401)


def test_the_forwarded_address_is_ignored_without_a_trusted_proxy(settings: Any, ctx: Any) -> None:
    client = _client(settings, ctx, rate_limit="1 per minute")
    assert_error(client.get("/cases", headers={"X-Forwarded-For": "203.0.113.7"}), 401)
    spoofed = client.get("/cases", headers={"X-Forwarded-For": "203.0.113.99"})
    assert_error(spoofed, 429, "too_many_requests")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rate_limit": "lots per minute"}, "MOTCUA_RATE_LIMIT"),
        ({"rate_limit_storage": "nosuch://cache"}, "unknown storage scheme"),
    ],
)
def test_a_rate_limit_setting_that_cannot_work_stops_the_start(
    settings: Any, ctx: Any, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(Exception, match=message):
        _client(settings, ctx, **changes)


REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_several_api_processes_share_one_budget_through_redis(
    settings: Any, ctx: Any, token_for: Any
) -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:  # a real store is the point: fail loudly
        pytest.fail(
            f"this test needs the Redis server at {REDIS_URL} (MOTCUA_TEST_REDIS_URL): {exc}"
        )
    shared = {"rate_limit": "3 per minute", "rate_limit_storage": REDIS_URL}
    first, second = _client(settings, ctx, **shared), _client(settings, ctx, **shared)
    officer = token_for(f"mc.{uuid.uuid4().hex[:8]}", ["officer", "counter"], [UNIT])

    assert first.get("/cases", headers=officer).status_code == 200
    assert second.get("/cases", headers=officer).status_code == 200
    assert first.get("/cases", headers=officer).status_code == 200

    # The third request spent the budget in the store both processes count in.
    assert_error(second.get("/cases", headers=officer), 429, "too_many_requests")
