"""Models of escalation."""
