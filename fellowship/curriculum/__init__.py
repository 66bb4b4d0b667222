"""Curriculum modules as guided worksheets, loaded from the curriculum folder."""

from fellowship.curriculum.views import bp

__all__ = ["bp"]
