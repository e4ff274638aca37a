"""Messaging pieces without a database: correlation, matching, backoff, signatures, settings."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.domain.messaging import OutboxChannel, OutboxMessage
from engine.runtime.instance import Instance, LoadedModel
from engine.runtime.messages import WaitingCatch, flatten, matches
from engine.services.bundles import check_bundle, read_bundle
from engine.services.messaging.config import MessagingConfig
from engine.services.messaging.remote import PortalAdapter, WebhookSender, sign
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[2] / "bpmn"
NOW = datetime(2025, 3, 4, 2, 0, tzinfo=UTC)


def model(name: str) -> LoadedModel:
    bundle = check_bundle(read_bundle(ROOT / name))
    assert bundle.ok and bundle.compiled is not None, bundle.problems
    return LoadedModel.from_json(
        bundle.content_hash, bundle.compiled.spec_json, bundle.compiled.elements
    )


def test_flatten_turns_spiff_correlations_into_text_properties() -> None:
    nested = {"MainKey": {"dossier": "A-1", "seq": 3}, "Other": {"x": None}}
    assert flatten(nested) == {"dossier": "A-1", "seq": "3"}


def test_a_catch_matches_a_message_with_its_name_and_every_correlation_value() -> None:
    catch = WaitingCatch("await", "reply", {"dossier": "A-1"})
    assert matches(catch, "reply", {"dossier": "A-1", "extra": "y"})
    assert not matches(catch, "reply", {"dossier": "A-2"})
    assert not matches(catch, "other", {"dossier": "A-1"})
    assert not matches(catch, "reply", {})


def test_a_message_started_case_answers_with_the_dossier_it_came_from() -> None:
    police = model("newborn_residence")
    assert police.start_messages == ["residence_requested"]
    instance = Instance.start(police, {})
    instance.correlate_with("UBND-1")
    delivery = instance.deliver_message(
        "CA-1", "residence_requested", {"unit": "CA-1"}, {"dossier": "UBND-1"}
    )
    assert delivery is not None and delivery.kind == "start"
    assert instance.correlation_dossier == "UBND-1"
    assert instance.waiting_messages("CA-1") == []
    task = instance.ready_human_tasks()[0]
    instance.complete_human_task(task.id, {"result": {"outcome": "refused", "refusal_reason": "x"}})
    sent = instance.take_messages("CA-1")
    assert [(m.name, m.correlation) for m in sent] == [
        ("residence_registered", {"dossier": "UBND-1"})
    ]
    assert instance.take_messages("CA-1") == []  # drained


def test_a_message_for_another_dossier_is_not_delivered() -> None:
    police = model("newborn_residence")
    instance = Instance.start(police, {})
    assert instance.deliver_message("CA-1", "residence_requested", {}, {"dossier": "X"}) is None
    assert instance.deliver_message("CA-1", "nothing_waits", {}, {"dossier": "CA-1"}) is None


def test_subscriptions_are_rewritten_only_when_the_catches_change() -> None:
    instance = Instance.start(model("newborn_residence"), {})
    catches = instance.waiting_messages("CA-1")
    assert instance.subscriptions_changed(catches)
    assert not instance.subscriptions_changed(catches)
    assert instance.subscriptions_changed([])
    assert not instance.subscriptions_changed([])


def test_backoff_doubles_up_to_its_cap() -> None:
    config = MessagingConfig(backoff_first=timedelta(seconds=30), backoff_max=timedelta(minutes=5))
    waits = [config.backoff(n).total_seconds() for n in range(1, 7)]
    assert waits == [30, 60, 120, 240, 300, 300]


class Recording:
    """A transport that keeps what it was asked to send."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: Any, timeout: float) -> tuple[int, str]:
        self.sent.append((url, body, dict(headers)))
        return self.status, "ok"


def row(**changes: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "key": "UBND-1/7",
        "channel": OutboxChannel.WEBHOOK,
        "name": "insurance_requested",
        "stream": "webhook:x:UBND-1",
        "payload": {"child": {"full_name": "Trần Minh An"}},
        "created_at": NOW,
        "correlation": {"dossier": "UBND-1"},
        "endpoint": "http://bhxh.example/requests",
    }
    values.update(changes)
    return OutboxMessage(**values)


def test_a_webhook_is_signed_over_timestamp_and_body_and_carries_the_key() -> None:
    transport = Recording()
    config = MessagingConfig(signing_key="k" * 32)
    sent = WebhookSender(config, transport).send(row(), NOW)
    assert sent.ok and sent.status == 200
    url, body, headers = transport.sent[0]
    assert url == "http://bhxh.example/requests"
    assert headers["Idempotency-Key"] == "UBND-1/7"
    stamp = headers["X-Motcua-Timestamp"]
    expected = hmac.new(b"k" * 32, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert headers["X-Motcua-Signature"] == "sha256=" + expected == sign("k" * 32, stamp, body)
    envelope = json.loads(body)
    assert envelope["message"] == "insurance_requested"
    assert envelope["payload"]["child"]["full_name"] == "Trần Minh An"


def test_an_answer_other_than_2xx_is_a_failed_attempt_and_no_portal_means_failure() -> None:
    config = MessagingConfig(signing_key="k")
    failed = WebhookSender(config, Recording(503)).send(row(), NOW)
    assert not failed.ok and failed.status == 503 and "HTTP 503" in failed.error
    portal = PortalAdapter(config, Recording()).send(row(channel=OutboxChannel.PORTAL), NOW)
    assert not portal.ok and "MOTCUA_PORTAL_URL" in portal.error


def test_portal_records_go_to_the_path_of_their_kind() -> None:
    transport = Recording()
    config = MessagingConfig(portal_url="http://portal.example/api/", signing_key="k")
    PortalAdapter(config, transport).send(row(channel=OutboxChannel.PORTAL, name="hoso"), NOW)
    assert transport.sent[0][0] == "http://portal.example/api/hoso"


def test_webhooks_are_read_from_name_url_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_WEBHOOKS", "a=http://x/a, b=https://y/b")
    settings = Settings.from_env(database_url="sqlite://", secret_key="s" * 32)
    assert settings.webhooks == {"a": "http://x/a", "b": "https://y/b"}
    monkeypatch.setenv("MOTCUA_WEBHOOKS", "a=ftp://x")
    with pytest.raises(RuntimeError, match="MOTCUA_WEBHOOKS"):
        Settings.from_env(database_url="sqlite://", secret_key="s" * 32)


def test_intermediate_throw_and_catch_and_an_interrupting_boundary_message() -> None:
    bundle = check_bundle(read_bundle(ROOT.parent / "tests/integration/data/message_kinds"))
    assert bundle.ok and bundle.compiled is not None, bundle.problems
    kinds = LoadedModel.from_json(
        bundle.content_hash, bundle.compiled.spec_json, bundle.compiled.elements
    )
    instance = Instance.start(kinds, {"question": "ready?"})
    [ping] = instance.take_messages("A-1")
    assert (ping.name, ping.payload, ping.correlation) == (
        "ping",
        {"question": "ready?"},
        {"dossier": "A-1"},
    )
    assert [(c.element_id, c.kind) for c in instance.waiting_messages("A-1")] == [
        ("catch_pong", "intermediate")
    ]
    assert instance.deliver_message("A-1", "pong", {"yes": True}, {"dossier": "A-1"}) is not None
    assert instance.data["answer"] == {"yes": True}
    assert [(c.element_id, c.kind) for c in instance.waiting_messages("A-1")] == [
        ("withdrawn", "boundary")
    ]
    assert [t.element_id for t in instance.ready_human_tasks()] == ["review"]
    delivery = instance.deliver_message("A-1", "withdraw", {"by": "citizen"}, {"dossier": "A-1"})
    assert delivery is not None and delivery.kind == "boundary"
    assert instance.ready_human_tasks() == [] and instance.is_completed()
