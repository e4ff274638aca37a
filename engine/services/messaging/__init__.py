"""Messages between agencies (cases on motcua), external systems and the national portal.

outbound: what a command's case threw and waits for (outbox rows, subscriptions), in the
command's transaction; routing: the worker's delivery of case messages, each in its own
transaction; inbound: messages from systems that are not motcua; remote: webhook and portal
deliveries over HTTP with retries; portal: the national portal's record shapes; incidents: what
failed for good, and its retry; handoffs: every message to another agency and its
acknowledgement by the receiving side; acknowledgement: the worker's escalation of a handoff
nobody took up in time.
"""
