"""Unit of work: one transaction per command; leaving the block without commit() rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from engine.adapters.audit_repository import AuditRepository
from engine.adapters.calendar_repository import CalendarOverrideRepository
from engine.adapters.command_write import write_command
from engine.adapters.event_repository import EventRepository
from engine.adapters.handoff_repository import HandoffRepository
from engine.adapters.messaging_repository import IncidentRepository, SubscriptionRepository
from engine.adapters.model_repository import ModelRepository
from engine.adapters.outbox_repository import OutboxRepository
from engine.adapters.report_repository import ReportRepository
from engine.adapters.repository import CaseRepository
from engine.adapters.task_repository import TaskRepository

_CASES = "motcua_cases"  # Session.info key: the case repository with a queued update


@event.listens_for(Session, "do_orm_execute")
def _write_queued_case(state: ORMExecuteState) -> None:
    """A saved case is written before any other statement of its transaction runs, so every
    read sees it (and a conflict surfaces there, not later)."""
    cases = state.session.info.get(_CASES)
    if cases is not None and cases.pending is not None:
        cases.flush()


class SqlUnitOfWork:
    """Repositories over one SQLAlchemy session."""

    models: ModelRepository
    cases: CaseRepository
    tasks: TaskRepository
    events: EventRepository
    calendar: CalendarOverrideRepository
    audit: AuditRepository
    outbox: OutboxRepository
    subscriptions: SubscriptionRepository
    incidents: IncidentRepository
    handoffs: HandoffRepository
    reports: ReportRepository

    def __init__(self, session_factory: sessionmaker[Session], readonly: bool = False) -> None:
        self._factory = session_factory
        self._readonly = readonly
        self.session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        if self._readonly:
            # Queries need no write lock; SQLite then begins a plain (deferred) transaction.
            self.session.connection(execution_options={"motcua_readonly": True})
        self.models = ModelRepository(self.session)
        self.tasks = TaskRepository(self.session)
        self.cases = CaseRepository(self.session, self.tasks)
        self.session.info[_CASES] = self.cases
        self._one_statement = self.session.get_bind().dialect.name == "postgresql"
        self.reports = ReportRepository(self.session)
        self.events = EventRepository(self.session)
        self.calendar = CalendarOverrideRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.subscriptions = SubscriptionRepository(self.session)
        self.incidents = IncidentRepository(self.session)
        self.handoffs = HandoffRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        """Make the command's changes durable."""
        assert self.session is not None
        if self._one_statement:
            write_command(self.session, self.cases.take(), self.tasks.take(), self.events.take())
        else:
            self.cases.flush()
            self.tasks.flush()
            self.events.flush()
        self.session.commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: leaving the block with an exception undoes only its changes,
        the task and history rows it queued included. Queued rows of a block that succeeds
        stay queued: they go with the transaction's commit, in one batch for all blocks."""
        assert self.session is not None
        # A case saved inside the block is written inside it (below): one queued before it
        # is written first, so the block's rollback cannot take it away.
        self.cases.flush()
        # What was queued before the block; a read inside it may flush that too, and then the
        # rollback undoes it in the database, so it is queued again.
        events_before = list(self.events.pending)
        tasks_before = dict(self.tasks.pending)
        nested = self.session.begin_nested()
        try:
            yield
        except BaseException:
            self.events.pending = events_before
            self.tasks.pending = tasks_before
            self.cases.take()
            self.tasks.forget()
            nested.rollback()
            raise
        self.cases.flush()
        nested.commit()

    def rollback(self) -> None:
        """Drop the command's changes."""
        assert self.session is not None
        self.cases.take()
        self.tasks.forget()
        self.session.rollback()
