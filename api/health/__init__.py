"""Health resource."""
