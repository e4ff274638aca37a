"""Tests of the Vietnamese working-day calendar."""
