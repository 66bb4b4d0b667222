"""Rules of the network: saving an entry (which confirms it), confirming, moderating, archiving the stale.

Functions flush, never commit. Every change is audited (``core.audit``), in English like the rest of the
trail.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from babel import localedata
from flask_babel import lazy_gettext as _l

from fellowship.core import audit, clock, limits
from fellowship.extensions import db
from fellowship.network import freshness
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry
from fellowship.network.search import fold

MAX_SKILLS = 12
MAX_SKILL_LENGTH = 40
MAX_LANGUAGES = 10
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
EDITABLE = ("kind", "category", "title", "description", "skills", "place", "languages", "published")


class NetworkError(ValueError):
    """An entry cannot be saved as given; the message is shown to the person."""


def may_edit(user: Any, entry: Entry) -> bool:
    """A person edits their own entries; an organisation's members edit its entries; admins edit all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_admin:
        return True
    if entry.user_id is not None:
        return entry.user_id == user.id
    return entry.organization_id is not None and entry.organization_id == user.organization_id


def _refuse(problem: Any) -> None:
    if problem is not None:
        raise NetworkError(problem)


def clean_skills(skills: Iterable[str]) -> list[str]:
    """Trimmed, without repeats (compared folded), at most ``MAX_SKILLS`` of at most ``MAX_SKILL_LENGTH``
    characters. A ``|`` separates skills, like a new item (``WordList`` stores them between bars)."""
    kept: dict[str, str] = {}
    for typed in skills:
        for part in str(typed).split("|"):
            word = " ".join(part.split())
            _refuse(limits.text_problem(word))
            if len(word) > MAX_SKILL_LENGTH:
                raise NetworkError(_l("Each item may have at most %(n)d characters.", n=MAX_SKILL_LENGTH))
            if word:
                kept.setdefault(fold(word), word)
    if len(kept) > MAX_SKILLS:
        raise NetworkError(_l("At most %(n)d items.", n=MAX_SKILLS))
    return list(kept.values())


def clean_languages(languages: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(str(code).strip().lower().replace("-", "_") for code in languages if code))
    for code in codes:
        if not LANGUAGE_CODE.fullmatch(code) or not localedata.exists(code):
            raise NetworkError(_l("Unknown language code: %(code)s.", code=code))
    if len(codes) > MAX_LANGUAGES:
        raise NetworkError(_l("At most %(n)d items.", n=MAX_LANGUAGES))
    return codes


def search_text(title: str, skills: Iterable[str], place: str, description: str) -> str:
    """What the index searches: title first (``search`` ranks earlier matches higher), then skills, place
    and description, folded. A skill key such as ``in_kind`` is searched as its words."""
    parts = [title, " ".join(skill.replace("_", " ") for skill in skills), place, description]
    return fold("\n".join(parts))


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    cleaned = dict(values)
    if "kind" in cleaned:
        cleaned["kind"] = EntryKind(cleaned["kind"])
    if "category" in cleaned:
        cleaned["category"] = Category(cleaned["category"])
    for name, multiline in (("title", False), ("place", False), ("description", True)):
        if name in cleaned:
            text = str(cleaned[name]).strip() if multiline else " ".join(str(cleaned[name]).split())
            _refuse(limits.text_problem(text, multiline, limits.column_length(getattr(Entry, name))))
            cleaned[name] = text
    if cleaned.get("title") == "":
        raise NetworkError(_l("Give the entry a title."))
    if "skills" in cleaned:
        cleaned["skills"] = clean_skills(cleaned["skills"])
    if "languages" in cleaned:
        cleaned["languages"] = clean_languages(cleaned["languages"])
    if "published" in cleaned:
        cleaned["published"] = bool(cleaned["published"])
    return cleaned


def save_entry(entry: Entry, actor_id: int | None, **values: Any) -> Entry:
    """Create ``entry`` (a new ``Entry`` naming its owner) or change it, and confirm it.

    A new person's entry stays unpublished unless ``published=True`` is given; a new organisation's entry
    is published unless ``published=False``. Saving confirms the entry and brings an archived one back.
    """
    new = entry.id is None
    cleaned = _cleaned(values)
    if new:
        if (entry.organization_id is None) == (entry.user_id is None):
            raise TypeError("an entry belongs to exactly one organisation or one person")
        missing = {"kind", "category", "title"} - set(cleaned)
        if missing:
            raise TypeError(f"a new entry needs {', '.join(sorted(missing))}")
        cleaned.setdefault("published", entry.organization_id is not None)
        changes = {name: [None, value] for name, value in cleaned.items()}
    else:
        changes = audit.diff(entry, cleaned)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    now = clock.now()
    entry.confirmed_at = now
    entry.archived_at = None
    reindex(entry)
    if new:
        db.session.add(entry)
    db.session.flush()
    audit.record(actor_id, entry, "created" if new else "edited", changes)
    return entry


def reindex(entry: Entry) -> None:
    """Write the derived columns (``search_text``, ``skill_keys``, ``place_key``) from the entry's text."""
    skills = entry.skills or []
    entry.search_text = search_text(entry.title, skills, entry.place or "", entry.description or "")
    entry.skill_keys = list(dict.fromkeys(fold(skill.replace("_", " ")) for skill in skills))
    entry.place_key = fold(entry.place or "")


def confirm(entry: Entry, actor_id: int | None) -> None:
    """The owner says the entry is still true: it is fresh again (and back from the archive)."""
    entry.confirmed_at = clock.now()
    entry.archived_at = None
    audit.record(actor_id, entry, "confirmed")
    db.session.flush()


def hide(entry: Entry, reason: str, actor_id: int) -> None:
    """An administrator takes an entry out of the network; the owner sees it was hidden, and why."""
    reason = " ".join(reason.split())
    if not reason:
        raise NetworkError(_l("Say why the entry is hidden."))
    _refuse(limits.text_problem(reason, max_length=limits.column_length(Entry.hidden_reason)))
    entry.hidden_at = clock.now()
    entry.hidden_reason = reason
    entry.hidden_by_id = actor_id
    audit.record(actor_id, entry, "hidden", {"hidden_reason": ["", reason]})
    db.session.flush()


def unhide(entry: Entry, actor_id: int) -> None:
    if entry.hidden_at is None:
        return
    audit.record(actor_id, entry, "unhidden", {"hidden_reason": [entry.hidden_reason, ""]})
    entry.hidden_at = None
    entry.hidden_reason = ""
    entry.hidden_by_id = None
    db.session.flush()


def archive_stale(now: dt.datetime | None = None, months: int | None = None) -> int:
    """Archive the entries left unconfirmed past ``freshness.archive_cutoff``; returns how many."""
    cutoff = freshness.archive_cutoff(now or clock.now(), months or freshness.confirm_months())
    stale = list(
        db.session.scalars(
            sa.select(Entry.id)
            .where(Entry.archived_at.is_(None), Entry.confirmed_at < cutoff)
            .order_by(Entry.id)
        )
    )
    if not stale:
        return 0
    at = now or clock.now()
    db.session.execute(sa.update(Entry).where(Entry.id.in_(stale)).values(archived_at=at))
    for entry_id in stale:
        audit.record_for(None, Entry.__tablename__, entry_id, "archived")
    db.session.flush()
    return len(stale)
