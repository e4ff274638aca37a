"""Forms the engine itself uses (apology and re-appointment, SLA warning), as JSON Schemas."""
