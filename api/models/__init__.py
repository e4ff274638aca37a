"""Process models resource."""
