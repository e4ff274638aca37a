"""Handoffs between agencies (liên thông) and their acknowledgement."""
