"""Forms the engine itself uses (apology and re-appointment, SLA warning, handoff escalation),
as JSON Schemas."""
