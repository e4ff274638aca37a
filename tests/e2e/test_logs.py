"""Personal ID numbers, applicants' names and bearer tokens never reach the logs.

A dossier runs through the API with every logger at DEBUG (bar SQLAlchemy's engine logger,
which the logging setup pins at WARNING because its DEBUG output is the rows themselves):
the code itself must log none of those values. Then the defence in depth: whatever a message,
an exception or an access log line carries, the handlers the CLI, gunicorn and the WSGI entry
point install write it redacted.
"""

from __future__ import annotations

import http.client
import io
import logging
import threading
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from api.logs import DATA_LOGGERS, configure_logging, gunicorn_logconfig, redact
from features.samples import task_data
from tests.e2e.helpers import UNIT, open_task, start_case

IDS = ("001190012345", "001225004567")  # the mother's (applicant's) and the child's
NAMES = ("Nguyễn Thị Hoa", "Trần Minh An")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the logging tree back as it was (configure_logging replaces the root handlers)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in root.manager.loggerDict}
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def _debug_everything(caplog: pytest.LogCaptureFixture) -> io.StringIO:
    """The app's logging setup at DEBUG into a buffer, every logger at DEBUG, and caplog's
    handler first so that it sees each record before any redaction."""
    stream = io.StringIO()
    configure_logging("DEBUG", stream, force=True)
    root = logging.getLogger()
    root.handlers.insert(0, caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    for name in list(root.manager.loggerDict):
        if not name.startswith(DATA_LOGGERS):
            logging.getLogger(name).setLevel(logging.DEBUG)
    return stream


def _secrets(*tokens: dict[str, str]) -> list[str]:
    bearer = [h["Authorization"].split(" ", 1)[1] for h in tokens]
    return [*IDS, *NAMES, *bearer]


def test_a_dossier_run_through_the_api_logs_no_id_name_or_token(
    client: Any, ctx: Any, token_for: Any, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    from engine.worker import run_once

    stream = _debug_everything(caplog)
    counter = token_for("mc.lan", ["officer", "counter"], [UNIT])
    civil = token_for("ht.minh", ["officer", "civil_status"], [UNIT])
    auditor = token_for("kt.thu", ["auditor"], [UNIT])
    citizen = token_for("cd.hoa", ["citizen"], [], personal_id=IDS[0])

    code = start_case(client, counter)["code"]
    for headers, element, data in (
        (counter, "counter_check", "counter_check/complete"),
        (civil, "civil_status_record", "civil_status_record/approved"),
    ):
        task_id = open_task(client, headers, code, element)["id"]
        assert client.post(f"/tasks/{task_id}/claim", headers=headers).status_code == 200
        done = client.post(
            f"/tasks/{task_id}/complete", json={"data": task_data(data)}, headers=headers
        )
        assert done.status_code == 200, done.get_json()
    bad = {"data": {"applicant": {"personal_id": "0011900123"}}}
    assert client.post("/cases", json=bad | {"procedure_id": "x"}, headers=counter).status_code
    for path in (f"/cases/{code}", f"/cases/{code}/history", f"/cases/{code}/tracking-slip"):
        assert client.get(path, headers=auditor).status_code == 200
    assert client.get(f"/cases/{code}", headers=citizen).status_code == 200
    assert client.get("/cases", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 401
    run_once(ctx)

    raw = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert caplog.records, "nothing was logged at all: the capture is not working"
    written = stream.getvalue()
    for secret in _secrets(counter, civil, auditor, citizen):
        assert secret not in raw, f"{secret[:12]}... was logged"
        assert secret not in written, f"{secret[:12]}... was written"


def test_sql_echo_shows_statements_never_their_parameters(
    client: Any, token_for: Any, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    _debug_everything(caplog)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # an operator debugging SQL
    counter = token_for("mc.lan", ["officer", "counter"], [UNIT])

    start_case(client, counter)

    sql = [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert any("INSERT INTO" in m for m in sql), "no statement was echoed"
    assert any("parameters hidden" in m for m in sql)
    for secret in (*IDS[:1], *NAMES[:1]):
        assert not any(secret in m for m in sql)


def test_an_unexpected_error_is_logged_redacted(
    client: Any,
    token_for: Any,
    caplog: pytest.LogCaptureFixture,
    restore_logging: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engine.services import cases

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"cannot read applicant {IDS[0]} of token eyJhbGciOi.eyJzdWIi.c2ln")

    monkeypatch.setattr(cases, "list_cases", broken)
    stream = _debug_everything(caplog)
    headers = token_for("mc.lan", ["officer", "counter"], [UNIT])

    response = client.get("/cases", headers=headers)

    assert response.status_code == 500 and IDS[0] not in response.get_data(as_text=True)
    written = stream.getvalue()
    assert "Traceback" in written and "[redacted-id]" in written and "[redacted-jwt]" in written
    assert IDS[0] not in written and "eyJhbGciOi" not in written


def test_the_development_server_s_access_log_is_redacted(
    app: Any, token_for: Any, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    from werkzeug.serving import make_server

    stream = _debug_everything(caplog)
    headers = token_for("mc.lan", ["officer", "counter"], [UNIT])
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        connection.request("GET", f"/cases?applicant={IDS[0]}", headers=headers)
        assert connection.getresponse().status in (200, 422)
        connection.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    written = stream.getvalue()
    assert "GET /cases?applicant=[redacted-id]" in written, written
    assert IDS[0] not in written


def test_gunicorn_s_access_and_error_logs_are_redacted(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("logconfig_dict", gunicorn_logconfig())
    cfg.set("accesslog", "-")
    # A format an operator might choose, with the query string and the credentials in it.
    cfg.set("access_log_format", '%(h)s "%(r)s" %(s)s %({authorization}i)s')
    logger = Logger(cfg)
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYy5sYW4ifQ.c2lnbmF0dXJl"
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {token}")])
    response = SimpleNamespace(status="200 OK", sent=2, response_length=2, headers=[])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases?applicant={IDS[0]}",
        "PATH_INFO": "/cases",
        "QUERY_STRING": f"applicant={IDS[0]}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }

    logger.access(response, request, environ, timedelta(milliseconds=3))
    logger.error("worker failed on %s", IDS[1])

    out = capsys.readouterr()
    written = out.out + out.err
    assert "/cases?applicant=[redacted-id]" in written and "Bearer [redacted]" in written
    assert "worker failed on [redacted-id]" in written
    for secret in (*IDS, token):
        assert secret not in written


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id 001190012345.", "id [redacted-id]."),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"),
        ("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig", "token=[redacted-jwt]"),
        # Not an ID: longer numbers, dossier codes, times.
        ("0011900123456 UBND-PHUCXA-250304-0001 09:00", None),
    ],
)
def test_redaction_replaces_ids_and_credentials_only(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)
