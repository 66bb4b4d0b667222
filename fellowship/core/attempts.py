"""Failed attempts per key (an address, an address and an account), counted atomically in the rate
limiter's own storage, so every worker shares them as it shares the other limits.

Only failures count: a room of fifty fellows on the venue's Wi-Fi signs in at once from one address, and
guessing stays stopped. Flask-Limiter can count failures only after the response (``deduct_when``), when
attempts that arrived together have all passed its check, so a burst of guesses would get more tries than
the limit. Here each attempt reserves its slot first, with the same atomic increment the limiter uses, and
gives it back when it succeeds; whatever the interleaving, no more attempts run than the limit allows.
(A slot given back just after its window ended leaves the next window one attempt larger: harmless.)
"""

from __future__ import annotations

from flask import current_app
from limits import RateLimitItem, parse_many

from fellowship.extensions import limiter


def _items(config_key: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[config_key])


def _on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _ids(scope: str, key: str) -> tuple[str, str, str]:
    """The counter's identifiers, under the application's key prefix as the limiter's own counters are
    (installations or tests sharing one Redis keep apart)."""
    return (current_app.config.get("RATELIMIT_KEY_PREFIX") or "fellowship", scope, key)


def exhausted(scope: str, key: str, config_key: str) -> bool:
    """Whether failures under ``key`` have used up the budget named by ``config_key``."""
    return _on() and any(not limiter.limiter.test(item, *_ids(scope, key)) for item in _items(config_key))


def reserve(scope: str, key: str, config_key: str) -> bool:
    """Take a slot for one attempt; False (and nothing taken) when the budget is used up."""
    if not _on():
        return True
    taken = []
    for item in _items(config_key):
        taken.append(item)
        if not limiter.limiter.hit(item, *_ids(scope, key)):
            for reserved in taken:
                limiter.limiter.hit(reserved, *_ids(scope, key), cost=-1)
            return False
    return True


def release(scope: str, key: str, config_key: str) -> None:
    """Give back the slot of an attempt that succeeded: it was no guess."""
    if _on():
        for item in _items(config_key):
            limiter.limiter.hit(item, *_ids(scope, key), cost=-1)
