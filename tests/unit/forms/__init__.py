"""Unit tests of the forms package (pure: no database, no Flask)."""
