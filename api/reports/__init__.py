"""The service-quality report (Decision 766) and the operators' /metrics."""
