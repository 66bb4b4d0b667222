"""Attendance per event day, self check-in, and attendance figures."""

from fellowship.attendance.views import bp

__all__ = ["bp"]
