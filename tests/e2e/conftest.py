"""Fixtures of the HTTP end-to-end tests: one deployed procedure, and the people using the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.helpers import BUNDLE, OTHER_UNIT, UNIT


@pytest.fixture
def ctx(settings: Any, clock: Any) -> Iterator[Any]:
    """The engine Context with the birth registration procedure deployed.

    Overrides the root fixture, which deploys every folder of bpmn/: these tests exercise the
    API with one procedure, and should neither wait for nor depend on the others.
    """
    from engine.bootstrap import build_context
    from engine.domain.model import SYSTEM_ACTOR
    from engine.services.bundles import read_bundle
    from engine.services.models import deploy_bundle

    context = build_context(settings, clock=clock)
    deploy_bundle(context, SYSTEM_ACTOR, read_bundle(BUNDLE))
    yield context
    context.db_engine.dispose()


class People:
    """Bearer headers of the officers, analyst, auditor and admin the tests act as."""

    def __init__(self, token_for: Any) -> None:
        self.counter = token_for("mc.lan", ["officer", "counter"], [UNIT])
        self.counter2 = token_for("mc.binh", ["officer", "counter"], [UNIT])
        self.civil = token_for("ht.minh", ["officer", "civil_status"], [UNIT])
        self.leader = token_for("ld.hung", ["officer", "leader"], [UNIT])
        self.stranger = token_for("mc.khac", ["officer", "counter"], [OTHER_UNIT])
        self.analyst = token_for("analyst.an", ["analyst"], [])
        self.auditor = token_for("kt.thu", ["auditor"], [UNIT])
        self.admin = token_for("admin", ["admin"], [])


@pytest.fixture
def people(token_for: Any) -> People:
    """Everyone, signed in."""
    return People(token_for)
