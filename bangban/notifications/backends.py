"""Notification backends. Placeholder until the outbox module lands."""
