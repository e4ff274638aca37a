"""Messages from systems that are not motcua."""
