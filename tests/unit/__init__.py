"""Unit tests: pure code, no database and no network."""
