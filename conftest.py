"""Shared fixtures: real databases (SQLite and PostgreSQL), an injected clock, the API client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).parent
BPMN = ROOT / "bpmn"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
POSTGRES_URL = os.environ.get(
    "MOTCUA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [b for b in os.environ.get("MOTCUA_TEST_BACKENDS", "sqlite,postgres").split(",") if b]


def _postgres_schema_url(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test (migrating once keeps the suite fast)."""
    from engine.adapters.database import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private, migrated schema in the test PostgreSQL; fails loudly when the server is down."""
    import psycopg

    from engine.adapters.database import upgrade

    schema = f"motcua_test_{uuid.uuid4().hex[:10]}"
    plain = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL is required for these tests and is not reachable at {POSTGRES_URL}: {exc}. "
            "Start it (pg_ctlcluster ... main start) or set MOTCUA_TEST_BACKENDS=sqlite.",
            pytrace=False,
        )
    upgrade(_postgres_schema_url(schema))
    yield schema
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


TABLES = (
    "handoff",
    "incident",
    "message_subscription",
    "message_outbox",
    "case_event",
    "task",
    "case",
    "dossier_sequence",
    "process_model",
    "audit_digest",
    "audit_access",
)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A clean, migrated database: SQLite file or PostgreSQL schema (each test starts empty)."""
    if request.param == "sqlite":
        path = tmp_path / "motcua.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    schema = request.getfixturevalue("postgres_schema")
    url = _postgres_schema_url(schema)
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES) + " RESTART IDENTITY CASCADE"
        )
    yield url


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    """A fake clock at 09:00 on a working day (Tue 2025-03-04, Hanoi time)."""
    from engine.domain.clock import FakeClock

    return FakeClock(datetime(2025, 3, 4, 9, 0, tzinfo=VN))


@pytest.fixture
def settings(database_url: str):  # type: ignore[no-untyped-def]
    """Settings for the test database."""
    from engine.settings import Settings

    return Settings.from_env(
        database_url=database_url,
        secret_key="motcua-test-secret-0123456789abcdef",
        # Far above what any test sends, so that no test trips it by accident; the limiter
        # still runs on every request (tests/e2e/test_rate_limits.py sets a tiny one).
        rate_limit="100000 per minute",
        # The worker's daily digest is its own subject (tests/integration/test_digest_schedule.py);
        # elsewhere a worker round does only the work a test gives it.
        digest_at="off",
    )


@pytest.fixture
def ctx(settings, clock):  # type: ignore[no-untyped-def]
    """The engine Context over the test database with the fake clock, bpmn/ deployed."""
    from engine.bootstrap import build_context, deploy_folder

    context = build_context(settings, clock=clock)
    deploy_folder(context, BPMN)
    yield context
    context.db_engine.dispose()


@pytest.fixture
def app(settings, ctx):  # type: ignore[no-untyped-def]
    """The Flask app over the test context."""
    from api.app import create_app

    application = create_app(settings, ctx)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """An HTTP client of the app."""
    return app.test_client()


@pytest.fixture
def token_for(settings, clock):  # type: ignore[no-untyped-def]
    """Make a bearer header for a subject with roles and units."""
    from api.auth import issue_token

    def make(sub: str, roles: list[str], units: list[str], personal_id: str = "") -> dict[str, str]:
        # Tokens expire by the wall clock (PyJWT checks exp against it), not the case clock.
        now = datetime.now(VN)
        token = issue_token(settings, sub, roles, units, now=now, personal_id=personal_id)
        return {"Authorization": "Bearer " + token}

    return make


def pytest_configure(config: pytest.Config) -> None:
    """Markers of this suite."""
    config.addinivalue_line(
        "markers",
        "only_on(*backends): the test has a meaning on these databases only ('sqlite', "
        "'postgres'); its other database combinations are not generated",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop the database combinations that an `only_on` test says have no meaning."""
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("only_on")
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_url") if callspec is not None else None
        (dropped if marker and backend and backend not in marker.args else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
