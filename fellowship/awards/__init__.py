"""Awards contests: submissions, jury scoring, the public audience vote, and results."""

from fellowship.awards import public  # noqa: F401  (registers the public pages on the blueprint)
from fellowship.awards.views import bp

__all__ = ["bp"]
