"""Overdue and at-risk dossiers (the legal clock)."""
