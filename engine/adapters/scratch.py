"""A throwaway in-memory SQLite database with the full schema, for what replay's store lacks.

Replay keeps cases, tasks and events in engine.adapters.memory_store; a repository that store
does not model (a table added later) is served from here, so replay keeps working as the
schema grows. Nothing here reaches the production database. Each thread keeps one scratch
database and empties it after use: a new engine per replay would pay schema creation and SQL
compilation again. Foreign keys are off: the rows they would point at live in the memory store.
"""

from __future__ import annotations

import threading

from sqlalchemy import delete, text
from sqlalchemy.pool import StaticPool

from engine.adapters.database import make_engine, make_session_factory
from engine.adapters.rows import Base
from engine.adapters.unit_of_work import SqlUnitOfWork

_LOCAL = threading.local()


class ScratchDatabase:
    """One private in-memory database (one connection, used by one thread)."""

    def __init__(self) -> None:
        self.engine = make_engine("sqlite:///:memory:", poolclass=StaticPool)
        Base.metadata.create_all(self.engine)
        with self.engine.connect() as conn:
            conn.exec_driver_sql("COMMIT")  # leave the BEGIN the engine's listener issued
            conn.execute(text("PRAGMA foreign_keys=OFF"))
        self._factory = make_session_factory(self.engine)
        self.busy = False
        self.reusable = False

    @classmethod
    def acquire(cls) -> ScratchDatabase:
        """This thread's empty scratch database (a fresh one if it is already in use)."""
        db: ScratchDatabase | None = getattr(_LOCAL, "db", None)
        if db is None:
            db = _LOCAL.db = cls()
            db.reusable = True
        elif db.busy:
            db = cls()
        db.busy = True
        return db

    def uow(self) -> SqlUnitOfWork:
        """A unit of work over the scratch database."""
        return SqlUnitOfWork(self._factory)

    def close(self) -> None:
        """Empty the database for the next use by this thread, or drop it."""
        self.busy = False
        if not self.reusable:
            self.engine.dispose()
            return
        with self._factory() as session:
            for table in reversed(Base.metadata.sorted_tables):
                session.execute(delete(table))
            session.commit()
