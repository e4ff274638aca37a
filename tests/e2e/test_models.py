"""Process models over HTTP: list, show with versions, validate and deploy bundles."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import zipfile
from typing import Any

from features.samples import application, task_data
from tests.e2e.helpers import (
    BPMN_FILE,
    PROCEDURE,
    UNIT,
    assert_error,
    bundle_files,
    get_case,
    history,
    line_of,
    multipart,
    open_task,
    start_case,
    zip_bundle,
)


def _deployed_hash(client: Any, headers: dict[str, str]) -> str:
    response = client.get(f"/process-models/{PROCEDURE}", headers=headers)
    assert response.status_code == 200
    content_hash: str = response.get_json()["content_hash"]
    return content_hash


def _renamed(files: dict[str, bytes], name: str) -> dict[str, bytes]:
    """The bundle with another display name in procedure.json: new content, same procedure."""
    meta = json.loads(files["procedure.json"])
    meta["name"] = name
    changed = dict(files)
    changed["procedure.json"] = json.dumps(meta, ensure_ascii=False, indent=2).encode()
    return changed


def _with_bpmn(files: dict[str, bytes], old: str, new: str) -> dict[str, bytes]:
    text = files[BPMN_FILE].decode()
    assert old in text
    changed = dict(files)
    changed[BPMN_FILE] = text.replace(old, new, 1).encode()
    return changed


def _bundle_upload(raw: bytes) -> dict[str, Any]:
    return {"bundle": (io.BytesIO(raw), "birth_registration.zip")}


# -- list and show -------------------------------------------------------------------------------


def test_list_shows_each_procedure_with_its_newest_version(client: Any, people: Any) -> None:
    response = client.get("/process-models", headers=people.counter)
    assert response.status_code == 200
    items = response.get_json()["items"]
    ids = [i["procedure_id"] for i in items]
    assert PROCEDURE in ids and ids == sorted(ids)
    model = items[ids.index(PROCEDURE)]
    assert model["version"] == 1
    assert model["tthc_code"] == "1.001193"
    assert model["name"] == "Đăng ký khai sinh"
    assert model["process_id"] == "birth_registration"
    assert model["time_limit"] == "SD"
    assert len(model["content_hash"]) == 64


def test_show_gives_the_files_and_every_version(client: Any, people: Any) -> None:
    response = client.get(f"/process-models/{PROCEDURE}", headers=people.counter)
    assert response.status_code == 200
    body = response.get_json()
    assert body["procedure_id"] == PROCEDURE and body["version"] == 1
    assert body["files"] == sorted(bundle_files())
    assert [v["version"] for v in body["versions"]] == [1]
    assert body["versions"][0]["content_hash"] == body["content_hash"]


def test_show_of_an_unknown_procedure_is_404(client: Any, people: Any) -> None:
    for procedure_id in ("no_such_procedure", "x" * 300, "%00", "..%2F..", "validate"):
        response = client.get(f"/process-models/{procedure_id}", headers=people.counter)
        assert_error(response, 404, "not_found", where=procedure_id)


# -- validate ------------------------------------------------------------------------------------


def test_validate_accepts_the_procedure_folder_as_files(client: Any, people: Any) -> None:
    response = client.post(
        "/process-models/validate", data=multipart(bundle_files()), headers=people.analyst
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is True
    assert body["procedure_id"] == PROCEDURE
    assert [p for p in body["problems"] if p["severity"] == "error"] == []
    # Same files, same identity as the version deployed from bpmn/ at start.
    assert body["content_hash"] == _deployed_hash(client, people.analyst)


def test_validate_accepts_a_zip_of_the_procedure_folder(client: Any, people: Any) -> None:
    files = bundle_files()
    # Examples, notes and archiver debris travel along but are not the model (as from disk).
    files["examples/application.json"] = b"{}"
    files["README.md"] = "# Đăng ký khai sinh".encode()
    files[".DS_Store"] = b"\x00\x00\x00\x01Bud1"
    raw = bytearray(zip_bundle(files))
    with zipfile.ZipFile(io.BytesIO(raw), "a") as archive:
        archive.writestr("__MACOSX/birth_registration/._procedure.json", b"\x00\x05\x16\x07")
    response = client.post(
        "/process-models/validate", data=_bundle_upload(bytes(raw)), headers=people.analyst
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is True
    assert body["content_hash"] == _deployed_hash(client, people.analyst)


def test_validate_does_not_deploy(client: Any, people: Any) -> None:
    changed = _renamed(bundle_files(), "Đăng ký khai sinh (bản thử)")
    response = client.post(
        "/process-models/validate", data=multipart(changed), headers=people.analyst
    )
    assert response.status_code == 200 and response.get_json()["ok"] is True
    body = client.get(f"/process-models/{PROCEDURE}", headers=people.analyst).get_json()
    assert [v["version"] for v in body["versions"]] == [1]


def test_validate_names_file_line_and_element_of_a_missing_form(client: Any, people: Any) -> None:
    files = bundle_files()
    broken = _with_bpmn(
        files, 'value="forms/leader_sign.schema.json"', 'value="forms/missing.schema.json"'
    )
    response = client.post(
        "/process-models/validate", data=multipart(broken), headers=people.analyst
    )
    error = assert_error(response, 422, "model_rejected")
    expected_line = line_of(broken[BPMN_FILE].decode(), '<bpmn:userTask id="leader_sign"')
    problem = next(d for d in error["details"] if "forms/missing.schema.json" in d["message"])
    assert problem["file"] == BPMN_FILE
    assert problem["element_id"] == "leader_sign"
    assert problem["line"] == expected_line
    assert problem["severity"] == "error" and problem["fix"]
    assert BPMN_FILE in error["message"] and "leader_sign" in error["message"]


def test_validate_refuses_a_condition_that_escapes_the_sandbox(client: Any, people: Any) -> None:
    broken = _with_bpmn(
        bundle_files(),
        'leader_decision == "signed"',
        "__import__('os').system('true') == 0",
    )
    response = client.post(
        "/process-models/validate", data=multipart(broken), headers=people.analyst
    )
    error = assert_error(response, 422, "model_rejected")
    located = [d for d in error["details"] if d["element_id"] == "flow_signed"]
    assert located, error["details"]
    assert located[0]["file"] == BPMN_FILE and located[0]["line"]


def test_validate_names_the_line_of_truncated_xml(client: Any, people: Any) -> None:
    files = bundle_files()
    text = files[BPMN_FILE].decode()
    files[BPMN_FILE] = text[: len(text) // 2].encode()
    response = client.post(
        "/process-models/validate", data=multipart(files), headers=people.analyst
    )
    error = assert_error(response, 422, "model_rejected")
    problem = next(d for d in error["details"] if d["file"] == BPMN_FILE)
    assert "XML" in problem["message"]
    assert problem["line"] and problem["line"] > 1


def test_validate_refuses_a_bpmn_file_that_is_not_xml(client: Any, people: Any) -> None:
    for content in (
        b"this is not XML at all",
        b"",
        b"\xff\xfe\x00garbage",
        b'{"json": "instead of XML"}',
        b"<bpmn:definitions>",
    ):
        files = bundle_files()
        files[BPMN_FILE] = content
        response = client.post(
            "/process-models/validate", data=multipart(files), headers=people.analyst
        )
        error = assert_error(response, 422, "model_rejected", where=content)
        assert any(d["file"] == BPMN_FILE for d in error["details"]), (content, error)


def test_validate_refuses_xml_with_entity_declarations(client: Any, people: Any) -> None:
    files = bundle_files()
    files[BPMN_FILE] = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<bpmn:definitions>&x;</bpmn:definitions>"
    )
    response = client.post(
        "/process-models/validate", data=multipart(files), headers=people.analyst
    )
    error = assert_error(response, 422, "model_rejected")
    assert "root:" not in json.dumps(error)
    assert any("ENTITY" in d["message"] for d in error["details"])


def test_validate_refuses_a_bundle_that_is_not_a_zip(client: Any, people: Any) -> None:
    response = client.post(
        "/process-models/validate",
        data=_bundle_upload(b"<definitions/> is not a zip"),
        headers=people.analyst,
    )
    error = assert_error(response, 400, "invalid_input")
    assert "zip" in error["message"]


def test_validate_refuses_a_zip_bomb(client: Any, people: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("birth_registration.bpmn", b"\0" * (40 * 1024 * 1024))
    raw = buffer.getvalue()
    assert len(raw) < 100_000  # tiny on the wire, 40 MB once inflated
    response = client.post(
        "/process-models/validate", data=_bundle_upload(raw), headers=people.analyst
    )
    error = assert_error(response, 400, "invalid_input")
    assert "large" in error["message"]


def test_validate_refuses_a_zip_bomb_that_lies_about_its_size(client: Any, people: Any) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("birth_registration.bpmn", b"\0" * (40 * 1024 * 1024))
    raw = bytearray(buffer.getvalue())
    # Claim 100 bytes in both the local header and the central directory.
    struct.pack_into("<I", raw, raw.find(b"PK\x03\x04") + 22, 100)
    struct.pack_into("<I", raw, raw.find(b"PK\x01\x02") + 24, 100)
    response = client.post(
        "/process-models/validate", data=_bundle_upload(bytes(raw)), headers=people.analyst
    )
    assert_error(response, 400, "invalid_input")


def test_validate_refuses_a_zip_with_a_corrupted_member(client: Any, people: Any) -> None:
    raw = bytearray(zip_bundle(bundle_files()))
    # Flip the CRC-32 of the first member in both headers: the archive opens, the member fails.
    raw[raw.find(b"PK\x03\x04") + 14] ^= 0xFF
    raw[raw.find(b"PK\x01\x02") + 16] ^= 0xFF
    response = client.post(
        "/process-models/validate", data=_bundle_upload(bytes(raw)), headers=people.analyst
    )
    assert_error(response, 400, "invalid_input")


def test_validate_refuses_an_encrypted_zip(client: Any, people: Any) -> None:
    raw = bytearray(zip_bundle({"procedure.json": b"{}"}))
    # Set the "encrypted" flag: the archive cannot be read without a password.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature) + offset
        struct.pack_into("<H", raw, at, struct.unpack_from("<H", raw, at)[0] | 0x1)
    response = client.post(
        "/process-models/validate", data=_bundle_upload(bytes(raw)), headers=people.analyst
    )
    assert_error(response, 400, "invalid_input")


def test_uploads_may_be_larger_than_json_bodies(people: Any, settings: Any, ctx: Any) -> None:
    from api.app import create_app

    # A small JSON limit keeps the upload under the test client's 500 KB spooling threshold.
    small = dataclasses.replace(settings, max_request_bytes=64 * 1024)
    client = create_app(small, ctx).test_client()
    note = "x" * (100 * 1024)
    files = bundle_files()
    files["forms/notes.json"] = json.dumps({"note": note}).encode()
    response = client.post(
        "/process-models/validate", data=multipart(files), headers=people.analyst
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ok"] is True
    data = application()
    data["child"]["place_of_birth"] = note
    body = {"procedure_id": PROCEDURE, "channel": 1, "unit": UNIT, "data": data}
    assert_error(client.post("/cases", json=body, headers=people.counter), 413)


def test_validate_without_any_file_says_how_to_upload(client: Any, people: Any) -> None:
    error = assert_error(
        client.post("/process-models/validate", data={}, headers=people.analyst),
        400,
        "invalid_input",
    )
    assert "files" in error["message"] and "bundle" in error["message"]


def test_validate_refuses_file_names_that_climb_out_of_the_bundle(client: Any, people: Any) -> None:
    files = bundle_files()
    files["../../etc/procedure.json"] = b"{}"
    response = client.post(
        "/process-models/validate", data=multipart(files), headers=people.analyst
    )
    assert_error(response, 400, "invalid_input")


# -- deploy --------------------------------------------------------------------------------------


def test_deploying_identical_content_again_keeps_the_same_version(client: Any, people: Any) -> None:
    before = _deployed_hash(client, people.analyst)
    response = client.post(
        "/process-models", data=multipart(bundle_files()), headers=people.analyst
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["created"] is False
    assert body["version"] == 1 and body["content_hash"] == before
    zipped = client.post(
        "/process-models",
        data=_bundle_upload(zip_bundle(bundle_files())),
        headers=people.analyst,
    )
    assert zipped.status_code == 200 and zipped.get_json()["version"] == 1
    shown = client.get(f"/process-models/{PROCEDURE}", headers=people.analyst).get_json()
    assert [v["version"] for v in shown["versions"]] == [1]


def test_deploying_changed_content_adds_a_version_and_running_cases_stay_on_theirs(
    client: Any, people: Any
) -> None:
    v1_hash = _deployed_hash(client, people.analyst)
    old_case = start_case(client, people.counter)

    changed = _renamed(bundle_files(), "Đăng ký khai sinh (sửa đổi 2025)")
    response = client.post("/process-models", data=multipart(changed), headers=people.analyst)
    assert response.status_code == 201, response.get_json()
    v2 = response.get_json()
    assert v2["created"] is True and v2["version"] == 2
    assert v2["content_hash"] != v1_hash
    assert v2["deployed_by"] == "analyst.an"
    assert v2["name"] == "Đăng ký khai sinh (sửa đổi 2025)"

    listed = client.get("/process-models", headers=people.counter).get_json()["items"]
    assert [m["version"] for m in listed if m["procedure_id"] == PROCEDURE] == [2]
    shown = client.get(f"/process-models/{PROCEDURE}", headers=people.counter).get_json()
    assert [v["version"] for v in shown["versions"]] == [2, 1]

    # The case received before the deployment keeps running on version 1...
    task = open_task(client, people.counter, old_case["code"], "counter_check")
    done = client.post(
        f"/tasks/{task['id']}/complete",
        json={"data": task_data("counter_check/complete")},
        headers=people.counter,
    )
    assert done.status_code == 200, done.get_json()
    assert get_case(client, people.counter, old_case["code"])["model_hash"] == v1_hash
    assert {e["model_hash"] for e in history(client, people.counter, old_case["code"])} == {v1_hash}
    # ...and a new case starts on version 2.
    new_case = start_case(client, people.counter)
    assert new_case["model_hash"] == v2["content_hash"]

    again = client.post("/process-models", data=multipart(changed), headers=people.analyst)
    assert again.status_code == 200 and again.get_json()["version"] == 2


def test_deploying_a_broken_model_is_refused_and_adds_nothing(client: Any, people: Any) -> None:
    broken = _with_bpmn(
        bundle_files(), 'value="forms/leader_sign.schema.json"', 'value="forms/nowhere.json"'
    )
    response = client.post("/process-models", data=multipart(broken), headers=people.analyst)
    error = assert_error(response, 422, "model_rejected")
    assert any(d["element_id"] == "leader_sign" for d in error["details"])
    shown = client.get(f"/process-models/{PROCEDURE}", headers=people.analyst).get_json()
    assert [v["version"] for v in shown["versions"]] == [1]


def test_only_analysts_and_admins_deploy(client: Any, people: Any) -> None:
    changed = _renamed(bundle_files(), "Không được triển khai")
    for headers in (people.counter, people.auditor):
        response = client.post("/process-models", data=multipart(changed), headers=headers)
        assert_error(response, 403, "forbidden")
    response = client.post("/process-models", data=multipart(changed), headers=people.admin)
    assert response.status_code == 201 and response.get_json()["deployed_by"] == "admin"


def test_a_new_procedure_can_be_deployed_and_received(client: Any, people: Any) -> None:
    files = bundle_files()
    meta = json.loads(files["procedure.json"])
    meta["id"] = "birth_registration_pilot"
    files["procedure.json"] = json.dumps(meta).encode()
    response = client.post("/process-models", data=multipart(files), headers=people.analyst)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 1
    listed = client.get("/process-models", headers=people.counter).get_json()["items"]
    assert {PROCEDURE, "birth_registration_pilot"} <= {m["procedure_id"] for m in listed}
    started = client.post(
        "/cases",
        json={
            "procedure_id": "birth_registration_pilot",
            "channel": 2,
            "unit": UNIT,
            "data": application(),
        },
        headers=people.counter,
    )
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["procedure_id"] == "birth_registration_pilot"
