"""The Prometheus text exposition of an operations snapshot (prometheus_client formats it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, SummaryMetricFamily
from prometheus_client.registry import Collector

from engine.services.operations import LATENESS_WINDOW, OperationsSnapshot


class SnapshotCollector(Collector):
    """Yields the metric families of one snapshot (a fresh registry per scrape: no globals)."""

    def __init__(self, snapshot: OperationsSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Any]:
        s = self.snapshot
        started = CounterMetricFamily(
            "motcua_cases_started", "Dossiers received so far", labels=["procedure"]
        )
        finished = CounterMetricFamily(
            "motcua_cases_finished", "Dossiers whose process has ended", labels=["procedure"]
        )
        open_ = GaugeMetricFamily(
            "motcua_cases_open", "Open dossiers by legal-clock state", labels=["sla_state"]
        )
        per_procedure: dict[str, list[int]] = {}
        per_state: dict[str, int] = {}
        for procedure, completed, sla_state, n in s.cases:
            totals = per_procedure.setdefault(procedure, [0, 0])
            totals[0] += n
            if completed:
                totals[1] += n
            else:
                per_state[sla_state] = per_state.get(sla_state, 0) + n
        for procedure, (all_, done) in sorted(per_procedure.items()):
            started.add_metric([procedure], all_)
            finished.add_metric([procedure], done)
        for state, n in sorted(per_state.items()):
            open_.add_metric([state], n)
        yield from (started, finished, open_)
        tasks = CounterMetricFamily(
            "motcua_tasks_completed",
            "Tasks completed, by kind and step verdict",
            labels=["kind", "verdict"],
        )
        for kind, verdict, n in sorted(s.tasks, key=lambda t: (t[0], t[1] or "")):
            tasks.add_metric([kind, verdict or "none"], n)
        yield tasks
        for name, event, text in (
            ("motcua_timers_fired", "timer_fired", "Timers fired by the workers"),
            ("motcua_incidents", "incident", "Incidents recorded on cases (failed runs)"),
            ("motcua_cases_overdue", "case_overdue", "Dossiers that passed their appointment"),
        ):
            yield CounterMetricFamily(name, text, value=s.events.get(event, 0))
        window = int(LATENESS_WINDOW.total_seconds())
        lateness = sorted(s.lateness_seconds)
        summary = SummaryMetricFamily(
            "motcua_timer_lateness_recent_seconds",
            f"How late timers fired, over the last {window} s",
            count_value=len(lateness),
            sum_value=sum(lateness),
        )
        yield summary
        quantiles = GaugeMetricFamily(
            "motcua_timer_lateness_recent_quantile_seconds",
            f"Quantiles of timer lateness over the last {window} s",
            labels=["quantile"],
        )
        for q in ("0.5", "0.9", "0.99", "1"):
            if lateness:
                index = min(len(lateness) - 1, int(float(q) * len(lateness)))
                quantiles.add_metric([q], lateness[index])
        yield quantiles
        outbox = GaugeMetricFamily(
            "motcua_outbox_messages",
            "Outbox rows by channel and state",
            labels=["channel", "state"],
        )
        for channel, states in sorted(s.outbox.items()):
            for state, n in sorted(states.items()):
                outbox.add_metric([channel, state], n)
        yield outbox


def exposition(snapshot: OperationsSnapshot) -> tuple[bytes, str]:
    """The text format body and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return generate_latest(registry), CONTENT_TYPE_LATEST
