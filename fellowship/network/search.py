"""Finding entries by words, in any of the site's languages, with the same results on both databases.

Search is substring matching over trigrams, not stemming: a stemmer knows some languages and not others
(none of Polish, Arabic or Hebrew in PostgreSQL's default set), while a trigram index finds "ksiegow" in
"księgowość" and "contab" in "contabilidad" alike. Accents and other marks are folded away in Python by
``fold``, once when an entry is saved (``Entry.search_text``) and once per query, so both databases index
and compare the same folded text: SQLite 3.40's trigram tokenizer has no ``remove_diacritics``, and
PostgreSQL's ``unaccent`` neither knows Arabic and Hebrew marks nor can serve an index without an
immutable wrapper. Only ``pg_trgm`` is needed on PostgreSQL.

Every query word must occur in the entry (AND):

- PostgreSQL: ``search_text LIKE '%word%'``, served by the GIN trigram index;
- SQLite: one FTS5 ``MATCH`` of the quoted words (a trigram substring match), and ``LIKE`` for words of
  fewer than three characters, which the trigram tokenizer cannot match.

The ranking is the same expression on both databases, so ids *and* order agree: the sum of the positions
where the words first occur in ``search_text`` (which starts with the title, then the skills), so a match in
the title comes before one deep in the description; then the most recently confirmed; then the id.
PostgreSQL's ``similarity`` is deliberately not used: SQLite has nothing equal to it, and a rank that
differs by database would order the same results differently.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import sqlalchemy as sa

from fellowship.extensions import db
from fellowship.network import queries
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import FTS_TABLE, Entry, has_word

MAX_WORDS = 8

_LETTERS = str.maketrans(
    {
        # Latin letters that NFKD leaves whole.
        "ł": "l",
        "ß": "ss",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        # Arabic: the alef with a wasla, alef maqsura, teh marbuta; Persian yeh and keheh.
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ی": "ي",
        "ک": "ك",
        "ـ": None,  # tatweel (kashida): stretches a word, means nothing
        # Hebrew final letters, and maqaf (the Hebrew hyphen).
        "ך": "כ",
        "ם": "מ",
        "ן": "נ",
        "ף": "פ",
        "ץ": "צ",
        "־": "-",
    }
)


def _dropped(char: str) -> bool:
    """Combining marks (Latin accents, Arabic harakat and the hamza NFKD splits off أ إ آ ؤ ئ, Hebrew niqqud
    and cantillation) and invisible format characters (directional marks pasted with right-to-left text)."""
    return unicodedata.category(char) in ("Mn", "Cf")


def fold(text: str) -> str:
    """``text`` as the index compares it: case-folded, without accents or vowel marks, one space between
    words. Pure; the same function serves saving and searching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not _dropped(char)).translate(_LETTERS)
    return " ".join(bare.split())


def words(query: str) -> list[str]:
    """The distinct folded words of a query, at most ``MAX_WORDS``."""
    return list(dict.fromkeys(fold(query).split()))[:MAX_WORDS]


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def search(
    text: str = "",
    *,
    kind: EntryKind | None = None,
    category: Category | None = None,
    skill: str = "",
    place: str = "",
    language: str = "",
    now: dt.datetime | None = None,
    months: int | None = None,
) -> sa.Select[tuple[Entry]]:
    """Visible entries (``queries.visible``) that contain every word of ``text`` and pass the filters,
    best first. Without words, the most recently confirmed come first."""
    statement = queries.visible_entries(now, months)
    if kind is not None:
        statement = statement.where(Entry.kind == kind)
    if category is not None:
        statement = statement.where(Entry.category == category)
    if skill_key := fold(skill):
        statement = statement.where(has_word(Entry.skill_keys, skill_key))
    if place_key := fold(place):
        statement = statement.where(Entry.place_key.contains(place_key, autoescape=True))
    if language := language.strip().lower():
        statement = statement.where(has_word(Entry.languages, language))

    found = words(text)
    if not found:
        return statement.order_by(Entry.confirmed_at.desc(), Entry.id)
    statement = statement.where(*_matching(found))
    position = sa.func.instr if _dialect() == "sqlite" else sa.func.strpos
    positions = [position(Entry.search_text, word) for word in found]
    rank = sum(positions[1:], positions[0])
    return statement.order_by(rank, Entry.confirmed_at.desc(), Entry.id)


def _matching(found: list[str]) -> list[sa.ColumnElement[bool]]:
    if _dialect() != "sqlite":
        return [Entry.search_text.contains(word, autoescape=True) for word in found]
    long = [word for word in found if len(word) >= 3]
    conditions = [Entry.search_text.contains(word, autoescape=True) for word in found if len(word) < 3]
    if long:
        fts = sa.table(FTS_TABLE, sa.column("rowid"), sa.column("search_text"))
        phrases = " AND ".join(_fts_phrase(word) for word in long)
        matched = sa.select(fts.c.rowid).where(fts.c.search_text.op("MATCH")(phrases))
        conditions.append(Entry.id.in_(matched))
    return conditions


def _dialect() -> str:
    return db.session.get_bind().dialect.name
