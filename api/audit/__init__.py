"""The audit resource: verify the history, replay a case, see it as it was, print its Mẫu 06."""
