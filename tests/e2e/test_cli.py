"""The `motcua` console script as operators and analysts run it: a real process on SQLite."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import jwt
import pytest

from tests.e2e.helpers import BPMN_FILE, BUNDLE, PROCEDURE, line_of

MOTCUA = Path(sys.executable).with_name("motcua")
SECRET = "motcua-cli-test-secret-0123456789abcdef"


class Cli:
    """Runs `motcua` in a scratch working directory holding a copy of the procedure folder."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.database = workdir / "motcua.db"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
        self.env.update(
            MOTCUA_DATABASE_URL=f"sqlite:///{self.database}",
            MOTCUA_SECRET_KEY=SECRET,
            PYTHONDONTWRITEBYTECODE="1",
        )
        shutil.copytree(BUNDLE, workdir / "bpmn" / PROCEDURE)

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(MOTCUA), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def broken_copy(self, name: str, old: str, new: str) -> tuple[str, str]:
        """A copy of the procedure with `old` replaced in its .bpmn; its path and new text."""
        folder = self.workdir / name
        shutil.copytree(BUNDLE, folder)
        text = (folder / BPMN_FILE).read_text(encoding="utf-8")
        assert old in text
        text = text.replace(old, new, 1)
        (folder / BPMN_FILE).write_text(text, encoding="utf-8")
        return name, text


@pytest.fixture
def motcua(tmp_path: Path) -> Cli:
    """The console script over a fresh working directory and SQLite file."""
    assert MOTCUA.exists(), f"console script not installed at {MOTCUA}"
    return Cli(tmp_path)


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr


def test_validate_accepts_the_birth_registration_procedure(motcua: Cli) -> None:
    result = motcua("validate", f"bpmn/{PROCEDURE}")
    assert result.returncode == 0, result.stderr
    assert f"ok: {PROCEDURE} is valid" in result.stdout

    as_json = motcua("validate", "--json", f"bpmn/{PROCEDURE}")
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["ok"] is True
    assert len(report["content_hash"]) == 64
    assert [p for p in report["problems"] if p["severity"] == "error"] == []


def test_validate_names_file_line_and_element_of_a_missing_form(motcua: Cli) -> None:
    folder, text = motcua.broken_copy(
        "broken", 'value="forms/leader_sign.schema.json"', 'value="forms/missing.schema.json"'
    )
    line = line_of(text, '<bpmn:userTask id="leader_sign"')

    result = motcua("validate", folder)
    assert result.returncode == 1, (result.stdout, result.stderr)
    _no_traceback(result)
    assert f"{BPMN_FILE}:{line}" in result.stderr
    assert "[leader_sign]" in result.stderr
    assert "forms/missing.schema.json" in result.stderr
    assert "refused" in result.stderr

    as_json = motcua("validate", "--json", folder)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    problem = next(p for p in report["problems"] if p["element_id"] == "leader_sign")
    assert (problem["file"], problem["line"], problem["severity"]) == (BPMN_FILE, line, "error")


def test_validate_names_the_line_of_malformed_xml(motcua: Cli) -> None:
    folder, text = motcua.broken_copy(
        "malformed", '<bpmn:userTask id="leader_sign"', '<bpmn:userTask id="leader_sign'
    )
    result = motcua("validate", folder)
    assert result.returncode == 1, (result.stdout, result.stderr)
    _no_traceback(result)
    line = line_of(text, '<bpmn:userTask id="leader_sign')
    assert f"{BPMN_FILE}:{line}" in result.stderr, result.stderr
    assert "XML" in result.stderr


def test_db_upgrade_then_deploying_twice_says_unchanged(motcua: Cli) -> None:
    upgraded = motcua("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    with sqlite3.connect(motcua.database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"process_model", "case", "task", "case_event", "alembic_version"} <= tables

    first = motcua("deploy", f"bpmn/{PROCEDURE}")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"deployed: {PROCEDURE} version 1 ")
    second = motcua("deploy", f"bpmn/{PROCEDURE}")
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith(f"unchanged: {PROCEDURE} version 1 ")
    with sqlite3.connect(motcua.database) as conn:
        count = conn.execute("SELECT count(*) FROM process_model").fetchone()[0]
    assert count == 1

    worker = motcua("worker", "--once")
    assert worker.returncode == 0, worker.stderr
    _no_traceback(worker)


def test_deploy_refuses_a_broken_model_and_a_missing_folder_cleanly(motcua: Cli) -> None:
    folder, _ = motcua.broken_copy(
        "broken", 'value="forms/leader_sign.schema.json"', 'value="forms/missing.schema.json"'
    )
    refused = motcua("deploy", folder)
    assert refused.returncode == 1, refused.stdout
    _no_traceback(refused)
    assert "[leader_sign]" in refused.stderr

    missing = motcua("deploy", "bpmn/no_such_procedure")
    assert missing.returncode != 0
    _no_traceback(missing)
    assert "no_such_procedure" in missing.stderr


def test_a_printed_token_is_accepted_by_the_api(motcua: Cli, sqlite_template: Path) -> None:
    result = motcua("token", "--sub", "x", "--role", "officer", "--unit", "U")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["sub"], claims["roles"], claims["units"]) == ("x", ["officer"], ["U"])

    from api.app import create_app
    from engine.settings import Settings

    shutil.copy(sqlite_template, motcua.database)
    settings = Settings.from_env(database_url=f"sqlite:///{motcua.database}", secret_key=SECRET)
    app = create_app(settings)
    try:
        client: Any = app.test_client()
        accepted = client.get("/tasks", headers={"Authorization": f"Bearer {token}"})
        assert accepted.status_code == 200, accepted.get_json()
        assert accepted.get_json()["total"] == 0
        head, signature = token.rsplit(".", 1)
        tampered = f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
        forged = client.get("/tasks", headers={"Authorization": f"Bearer {tampered}"})
        assert forged.status_code == 401
    finally:
        app.extensions["motcua"].db_engine.dispose()
