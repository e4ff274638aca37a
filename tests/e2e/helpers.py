"""Helpers of the HTTP end-to-end tests: the error shape, dossiers, tasks and model bundles."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from features.samples import application

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "bpmn" / "birth_registration"
PROCEDURE = "birth_registration"
UNIT = "UBND-PHUCXA"
OTHER_UNIT = "UBND-HANGBAC"
BPMN_FILE = "birth_registration.bpmn"
GENESIS = "0" * 64


def assert_error(
    response: Any, status: int, code: str | None = None, *, where: object = ""
) -> dict[str, Any]:
    """Check the common error shape and return its `error` object (`where` names the case)."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, (where, response.status_code, text)
    assert response.is_json, (where, text)
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, (where, body)
    error: dict[str, Any] = body["error"]
    assert set(error) == {"status", "code", "message", "details"}, (where, error)
    assert error["status"] == status, (where, error)
    assert isinstance(error["code"], str) and error["code"], (where, error)
    assert isinstance(error["message"], str) and error["message"], (where, error)
    assert isinstance(error["details"], list), (where, error)
    if code is not None:
        assert error["code"] == code, (where, error)
    return error


def pointers(error: dict[str, Any]) -> list[str]:
    """The JSON pointers named by an error's details."""
    return [d["pointer"] for d in error["details"] if "pointer" in d]


def start_case(
    client: Any,
    headers: dict[str, str],
    *,
    unit: str = UNIT,
    channel: int = 1,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Receive a valid birth registration dossier and return the created case."""
    response = client.post(
        "/cases",
        json={
            "procedure_id": PROCEDURE,
            "channel": channel,
            "unit": unit,
            "data": application() if data is None else data,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def open_task(client: Any, headers: dict[str, str], code: str, element_id: str) -> dict[str, Any]:
    """The one open task of a case with that element id, as listed to `headers`."""
    response = client.get(
        "/tasks", query_string={"case": code, "element_id": element_id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert len(items) == 1, items
    task: dict[str, Any] = items[0]
    return task


def get_case(client: Any, headers: dict[str, str], code: str) -> dict[str, Any]:
    """A case as shown to `headers`."""
    response = client.get(f"/cases/{code}", headers=headers)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def history(client: Any, headers: dict[str, str], code: str) -> list[dict[str, Any]]:
    """The events of a case."""
    response = client.get(f"/cases/{code}/history", headers=headers)
    assert response.status_code == 200, response.get_json()
    events: list[dict[str, Any]] = response.get_json()["events"]
    return events


def bundle_files(root: Path = BUNDLE) -> dict[str, bytes]:
    """The files of a procedure folder as an upload would carry them (examples left out)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.relative_to(root).as_posix().startswith("examples/")
    }


def multipart(files: dict[str, bytes]) -> dict[str, Any]:
    """A multipart body with one `files` part per bundle file (file name = path in bundle)."""
    return {"files": [(io.BytesIO(content), name) for name, content in files.items()]}


def zip_bundle(files: dict[str, bytes], folder: str = PROCEDURE) -> bytes:
    """A zip archive of the bundle inside one folder, as zipping the procedure folder gives."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}/{name}" if folder else name, content)
    return buffer.getvalue()


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` in `text`."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def token_claims(settings: Any, *, sub: str = "mc.lan", **changes: Any) -> dict[str, Any]:
    """The claims of a valid officer token for `settings`, an hour long; a change to None
    drops that claim."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": ["officer", "counter"],
        "units": [UNIT],
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}
