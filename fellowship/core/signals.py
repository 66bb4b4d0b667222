"""In-process signals that let a lower domain announce a change without importing the domains that react.

Receivers run synchronously inside the sender's transaction, so whatever they add is committed (or rolled
back) with the change itself.
"""

from blinker import Namespace

_signals = Namespace()

member_added = _signals.signal("member-added")
"""Sent by programs with ``cohort`` and ``membership`` after someone joins (or rejoins) a cohort."""
