"""Fixtures of the HTTP end-to-end tests: the people who use the API, as bearer headers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import OTHER_UNIT, UNIT


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
