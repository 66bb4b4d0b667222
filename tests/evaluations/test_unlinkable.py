"""Someone who reads the database cannot tie an anonymous answer to the receipt of the person who gave it.

Thirty known people answer an anonymous evaluation through the web, one request (one transaction) each, in
a known order, each with a text answer that names them ("person-07-<tag>"): the test knows who wrote what,
the attacker does not. `flask fellowship dispatch` releases the answers (all but the minimum group while
the evaluation is open, the rest once it has closed), and the attacker then reads every table with the
database's own bookkeeping: SQLite's ``rowid``; PostgreSQL's ``ctid`` (physical place), ``xmin`` (the
transaction that wrote the row) and the order a plain ``SELECT *`` scans the heap in. Runs on SQLite, and
on PostgreSQL when TEST_DATABASE_URL is set.

How the attack is scored. Sorting receipts and responses by the same bookkeeping and pairing the k-th with
the k-th gives, if the storage order says nothing, a random matching: the number of correct pairs is the
number of fixed points of a random permutation of 30, which is close to Poisson(1). P(>= 8) ~ 1.0e-5, so
"at most 7 correct pairs" fails by bad luck about once in 100,000 runs per check (a dozen checks here: about
once in 10,000), while an order that leaks (as before this design, or as the sealed rows still do) gives
25 or more. The Kendall tau between the arrival order and the storage order of a random permutation of 30
has mean 0 and standard deviation sqrt(2(2n+5) / (9n(n-1))) = 0.129; |tau| >= 0.6 is 4.6 standard
deviations (about 4e-6 by the normal approximation), while the arrival order itself gives tau = 1.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.evaluations import sealing
from fellowship.evaluations.tokens import guest_token
from fellowship.events import services as events
from fellowship.extensions import db
from tests.evaluations.conftest import STARTS, Webinar, mark
from tests.evaluations.test_views import form_for

PEOPLE = 30
MINIMUM = 3  # FELLOWSHIP_EVALUATION_MIN_GROUP's default, which the test app uses
MOST_CORRECT_PAIRS = 7  # P(a random permutation of 30 has >= 8 fixed points) ~ 1.0e-5
MOST_TAU = 0.6  # 4.6 standard deviations of Kendall's tau for n = 30
LINK_TABLES = ("survey_receipts", "sealed_responses", "anonymous_responses", "anonymous_answers")


def kendall_tau(sequence: list[int]) -> float:
    """Kendall's tau between positions 0..n-1 and ``sequence`` (distinct values)."""
    n = len(sequence)
    score = sum(1 if sequence[j] > sequence[i] else -1 for i in range(n) for j in range(i + 1, n))
    return score / (n * (n - 1) / 2)


def correct_pairs(receipts: list[int], responses: list[int]) -> int:
    """Pair the k-th receipt with the k-th response (both as person numbers); how many pairs are right."""
    return sum(1 for a, b in zip(receipts, responses, strict=False) if a == b)


def dialect() -> str:
    return db.engine.dialect.name


def stored(table: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``table`` with the database's bookkeeping, in each order an attacker can sort by."""
    with db.engine.connect() as conn:
        if dialect() == "postgresql":
            query = f"SELECT ctid::text AS _ctid, xmin::text AS _xmin, * FROM {table}"  # noqa: S608 - ours
            rows = [dict(row._mapping) for row in conn.execute(sa.text(query))]
            for row in rows:
                row["_ctid"] = tuple(int(n) for n in row["_ctid"].strip("()").split(","))
                row["_xmin"] = int(row["_xmin"])
            return {
                "scan order": rows,
                "ctid": sorted(rows, key=lambda r: r["_ctid"]),
                "xmin, ctid": sorted(rows, key=lambda r: (r["_xmin"], r["_ctid"])),
            }
        query = f"SELECT rowid AS _rowid, * FROM {table}"  # noqa: S608 - our own table names
        rows = [dict(row._mapping) for row in conn.execute(sa.text(query))]
        return {"scan order": rows, "rowid": sorted(rows, key=lambda r: r["_rowid"])}


def everything_readable() -> str:
    """Every value of every table, as text (sealed bytes as Latin-1)."""
    with db.engine.connect() as conn:
        parts = []
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                parts.extend(
                    bytes(value).decode("latin-1") if isinstance(value, bytes | memoryview) else str(value)
                    for value in row
                )
        return "\n".join(parts)


def database_files() -> list[Path]:
    """The SQLite file and its write-ahead log, when the test database is a file."""
    database = db.engine.url.database
    if dialect() != "sqlite" or database in (None, "", ":memory:"):
        return []
    return [path for path in (Path(database), Path(f"{database}-wal")) if path.exists()]


class Thirty:
    """The known people, numbered in the order they answered, and what they answered."""

    def __init__(self, webinar: Webinar, app: Any) -> None:
        self.webinar, self.app = webinar, app
        self.tag = uuid.uuid4().hex[:12]
        guests = events.add_guests(
            webinar.event, [(f"Guest {n:02d}", f"guest{n:02d}@example.org") for n in range(PEOPLE)]
        )
        for invitation, _token in guests:
            mark(invitation, Status.PRESENT)
        db.session.commit()
        # They answer in an order unlike that of their invitations (a fixed shuffle), so that sorting
        # receipts by invitation, as their primary key does, is not the order the answers came in either.
        random.Random(2024).shuffle(guests)
        assert abs(kendall_tau([invitation.id for invitation, _token in guests])) < MOST_TAU
        self.tokens = [guest_token(invitation) for invitation, _token in guests]
        self.person_of_invitation = {invitation.id: n for n, (invitation, _t) in enumerate(guests)}
        self.survey = webinar.evaluate(anonymous=True)
        self.survey_id = self.survey.id

    def text(self, n: int) -> str:
        return f"person-{n:02d}-{self.tag}"

    def person_of_text(self, text: str | None) -> int | None:
        match = re.fullmatch(rf"person-(\d\d)-{self.tag}", text or "")
        return int(match.group(1)) if match else None

    def answer_all(self) -> None:
        """Each person answers through their personal link, in their own request (so their own
        transaction), in order 0..29; the numbers differ from person to person too."""
        client = self.app.test_client()
        for n, token in enumerate(self.tokens):
            data = form_for(self.survey, worked=self.text(n), overall=str(1 + n % 5), recommend=str(n % 11))
            response = client.post(f"/evaluation/{token}", data=data)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]

    def dispatch(self) -> str:
        result = self.app.test_cli_runner().invoke(args=["fellowship", "dispatch"])
        assert result.exit_code == 0, result.output
        return result.output

    # --- what the attacker sees, as person numbers (the test knows who wrote what) --------------------------

    def receipts(self) -> dict[str, list[dict[str, Any]]]:
        return {
            order: [r for r in rows if r["survey_id"] == self.survey_id]
            for order, rows in stored("survey_receipts").items()
        }

    def receipt_people(self, rows: list[dict[str, Any]]) -> list[int]:
        return [self.person_of_invitation[r["invitation_id"]] for r in rows]

    def answer_people(self) -> dict[str, list[int]]:
        """The text answers in each storage order, as the person who wrote each."""
        return {
            order: [p for p in (self.person_of_text(r["value_text"]) for r in rows) if p is not None]
            for order, rows in stored("anonymous_answers").items()
        }

    def response_people(self) -> dict[str, list[int]]:
        """The responses in each storage order, each as the person whose text answer it holds."""
        with db.engine.connect() as conn:
            person = {
                str(response_id): self.person_of_text(text)
                for response_id, text in conn.execute(
                    sa.text(
                        "SELECT response_id, value_text FROM anonymous_answers WHERE value_text IS NOT NULL"
                    )
                )
            }
        return {
            order: [person[str(r["id"])] for r in rows if r["survey_id"] == self.survey_id]
            for order, rows in stored("anonymous_responses").items()
        }


@pytest.fixture
def thirty(webinar: Webinar, app: Any) -> Thirty:
    fresh_heaps()
    return Thirty(webinar, app)


def fresh_heaps() -> None:
    """On PostgreSQL, the link tables start as new, empty files, as in an installation that has not deleted
    rows from them. The suite empties every table between tests with DELETE, and PostgreSQL puts new rows
    into the space deleted rows left, so what earlier tests did would otherwise decide where these rows land.
    A fresh heap stores rows in arrival order: the case the released answers must defeat, and the one in
    which the sealed rows' order is known to leak."""
    if dialect() == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {', '.join(LINK_TABLES)}"))  # noqa: S608 - our own table names


def assert_no_order(label: str, receipts: list[int], responses: list[int]) -> None:
    assert sorted(receipts) == sorted(responses) == list(range(PEOPLE)), label
    pairs = correct_pairs(receipts, responses)
    assert pairs <= MOST_CORRECT_PAIRS, f"{label}: {pairs} receipts paired with their own answer"
    for name, sequence in (("receipts", receipts), ("answers", responses)):
        tau = kendall_tau(sequence)
        assert abs(tau) < MOST_TAU, f"{label}: the {name} keep the arrival order (tau {tau:.2f})"


def test_schema_has_no_ids_or_times_that_count_or_date_answers(app: Any) -> None:
    inspector = sa.inspect(db.engine)
    columns = {t: {c["name"]: c["type"] for c in inspector.get_columns(t)} for t in LINK_TABLES}
    assert {t: set(c) for t, c in columns.items()} == {
        "survey_receipts": {"survey_id", "invitation_id"},
        "sealed_responses": {"id", "survey_id", "sealed"},
        "anonymous_responses": {"id", "survey_id"},
        "anonymous_answers": {"id", "response_id", "question_id", "value_int", "value_text"},
    }
    for table, types in columns.items():
        assert not any(isinstance(kind, sa.DateTime | sa.Date | sa.Time) for kind in types.values()), table
        if "id" in types:  # random UUIDs, never a counter
            assert not isinstance(types["id"], sa.Integer), table
    assert not inspector.get_unique_constraints("anonymous_responses")


def test_before_any_dispatch_a_receipt_leads_only_to_ciphertext(
    thirty: Thirty, app: Any, tmp_path: Path
) -> None:
    thirty.answer_all()
    readable = everything_readable()
    assert thirty.tag not in readable  # no answer is stored readable anywhere, yet
    for path in database_files():  # nor in the bytes of the file, free pages and log included
        assert thirty.tag.encode() not in path.read_bytes(), path
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM anonymous_answers")).scalar() == 0
    # The attack itself still works on this state (which is why the answers are sealed): sorted by the
    # same bookkeeping, sealed rows pair with their receipts. Only the key tells the test whose they are.
    sealed = stored("sealed_responses")
    receipts = thirty.receipts()
    with app.app_context():
        for order in sealed:
            people = [
                thirty.person_of_text(c[2])
                for r in sealed[order]
                for c in sealing.unseal(r["sealed"])
                if c[2]
            ]
            assert correct_pairs(thirty.receipt_people(receipts[order]), people) >= 25, order
    if dialect() == "postgresql":  # and on PostgreSQL each receipt shares its transaction with one sealed row
        by_xmin = Counter(r["_xmin"] for r in receipts["scan order"])
        assert set(by_xmin.values()) == {1}
        assert {r["_xmin"] for r in sealed["scan order"]} >= set(by_xmin)
    backup = tmp_path / "backup.json"
    result = app.test_cli_runner().invoke(args=["fellowship", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert thirty.tag not in backup.read_text("utf-8")


def test_after_release_neither_order_nor_transaction_ties_an_answer_to_a_receipt(
    thirty: Thirty, app: Any, clock: Any, tmp_path: Path, client_as: Any
) -> None:
    thirty.answer_all()
    assert "anonymous answers: 27" in thirty.dispatch()  # open: all but the minimum group
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sealed_responses")).scalar() == MINIMUM
    summary = client_as("facilitator").get(f"/events/{thirty.webinar.event.id}/evaluation/summary")
    page = summary.get_data(as_text=True)
    assert "3 answers are waiting to be added" in page and "groups of at least 3" in page
    assert "30 responses from 33 attendees" in page

    clock.set_time(STARTS + dt.timedelta(days=15))  # the evaluation closed a day ago
    assert "anonymous answers: 3" in thirty.dispatch()
    assert "anonymous answers: 0" in thirty.dispatch()  # nothing left, nothing rewritten
    page = (
        client_as("facilitator")
        .get(f"/events/{thirty.webinar.event.id}/evaluation/summary")
        .get_data(as_text=True)
    )
    assert "waiting to be added" not in page and thirty.text(7) in page

    receipts = thirty.receipts()
    responses = thirty.response_people()
    answers = thirty.answer_people()
    for order, rows in receipts.items():
        people = thirty.receipt_people(rows)
        assert_no_order(f"responses by {order}", people, responses[order])
        assert_no_order(f"text answers by {order}", people, answers[order])

    if dialect() == "postgresql":
        # No exact link: every receipt of the survey was written by the last release, together with that
        # batch's responses (at least the minimum group); no response shares a transaction with fewer.
        receipt_xmins = {r["_xmin"] for r in receipts["scan order"]}
        assert len(receipt_xmins) == 1
        by_xmin = Counter(r["_xmin"] for r in stored("anonymous_responses")["scan order"])
        assert all(count >= MINIMUM for count in by_xmin.values()), by_xmin
        assert sorted(by_xmin.values()) == [3, 27]

    # A backup lists receipts by (survey, invitation) and responses by their random keys.
    backup = tmp_path / "backup.json"
    result = app.test_cli_runner().invoke(args=["fellowship", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    tables = {t["name"]: t["rows"] for t in json.loads(backup.read_text("utf-8"))["tables"]}
    backed_receipts = [
        thirty.person_of_invitation[r["invitation_id"]]
        for r in tables["survey_receipts"]
        if r["survey_id"] == thirty.survey_id
    ]
    person = {
        a["response_id"]: thirty.person_of_text(a["value_text"])
        for a in tables["anonymous_answers"]
        if a["value_text"]
    }
    backed_responses = [person[r["id"]] for r in tables["anonymous_responses"]]
    backed_answers = [
        thirty.person_of_text(a["value_text"]) for a in tables["anonymous_answers"] if a["value_text"]
    ]
    assert tables["sealed_responses"] == []
    pairs = correct_pairs(backed_receipts, backed_responses)
    assert (
        pairs <= MOST_CORRECT_PAIRS and correct_pairs(backed_receipts, backed_answers) <= MOST_CORRECT_PAIRS
    )
    assert abs(kendall_tau(backed_responses)) < MOST_TAU and abs(kendall_tau(backed_answers)) < MOST_TAU

    # The CSV export: rows in the order of the random keys, no name or time.
    csv = client_as("facilitator").get(f"/events/{thirty.webinar.event.id}/evaluation/responses.csv")
    exported = [
        p
        for p in (
            thirty.person_of_text(m)
            for m in re.findall(rf"person-\d\d-{thirty.tag}", csv.get_data(as_text=True))
        )
        if p is not None
    ]
    assert sorted(exported) == list(range(PEOPLE))
    assert abs(kendall_tau(exported)) < MOST_TAU
    assert correct_pairs(backed_receipts, exported) <= MOST_CORRECT_PAIRS
