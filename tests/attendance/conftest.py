"""Attendance tests use the events tests' event fixture and factory."""

from tests.events.conftest import event, make_event

__all__ = ["event", "make_event"]
