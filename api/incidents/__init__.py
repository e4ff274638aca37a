"""Incidents: expired messages and dead letters."""
