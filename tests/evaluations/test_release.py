"""Sealed anonymous answers: the seal (key from SECRET_KEY, fallbacks, padding), the release rule, receipts
kept exactly through each rewrite, backups, and the one-off reshuffle of answers stored before sealing."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.attendance.enums import Status
from fellowship.evaluations import sealing, services
from fellowship.evaluations.models import AnonymousAnswer, AnonymousResponse, Receipt, SealedResponse, Survey
from fellowship.events import services as events
from fellowship.events.models import EventInvitation
from fellowship.extensions import db
from tests.evaluations.conftest import STARTS, Webinar, mark

OPEN = STARTS + dt.timedelta(days=1)
CLOSED = STARTS + dt.timedelta(days=15)
OLD = "the-secret-key-before-rotation-0123456789"
NEW = "the-secret-key-after-rotation-9876543210"


def guests(webinar: Webinar, count: int) -> list[EventInvitation]:
    """``count`` more attendees of the webinar."""
    added = events.add_guests(
        webinar.event, [(f"Attendee {n}", f"attendee{n}@example.org") for n in range(count)]
    )
    for invitation, _token in added:
        mark(invitation, Status.PRESENT)
    db.session.commit()
    return [invitation for invitation, _token in added]


def answer(survey: Survey, invitation: EventInvitation, text: str = "") -> None:
    values: dict[int, Any] = {q.id: 4 for q in survey.questions if q.required}
    if text:
        values[next(q.id for q in survey.questions if q.key == "worked")] = text
    services.submit(survey, invitation, values)
    db.session.commit()


def counts(survey: Survey) -> tuple[int, int, int]:
    """(sealed, released, receipts)."""

    def count(model: Any) -> int:
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.survey_id == survey.id)
        )

    return count(SealedResponse), count(AnonymousResponse), count(Receipt)


def receipts(survey: Survey) -> set[int]:
    return set(db.session.scalars(sa.select(Receipt.invitation_id).where(Receipt.survey_id == survey.id)))


# --- the seal -----------------------------------------------------------------------------------------------


def test_sealed_cells_open_with_the_key_and_all_look_alike(app: Any) -> None:
    config = {"SECRET_KEY": NEW}
    cells = [(1, 5, None), (2, None, "Zażółć gęślą jaźń"), (3, 0, None)]
    token = sealing.seal(cells, config)
    assert sealing.unseal(token, config) == cells
    assert "Zażółć gęślą jaźń".encode() not in base64.urlsafe_b64decode(token)
    long = sealing.seal([(2, None, "x" * 3000), *[(q, 4, None) for q in range(10)]], config)
    assert len(long) == len(token)  # padded: the length does not tell a long answer from a short one
    assert len(sealing.seal([(2, None, "y" * 5000)], config)) > len(token)  # beyond 4 KiB: next size
    for sealed in (token, long):
        assert base64.urlsafe_b64decode(sealed)[1:9] == bytes(8)  # Fernet's time field: 0, not "now"
    assert sealing.derive_key(NEW) != base64.urlsafe_b64encode(NEW.encode()[:32])  # derived, not the secret


def test_a_rotated_secret_still_opens_answers_sealed_with_the_old_one(app: Any) -> None:
    token = sealing.seal([(1, 3, None)], {"SECRET_KEY": OLD})
    assert sealing.unseal(token, {"SECRET_KEY": NEW, "SECRET_KEY_FALLBACKS": [OLD]}) == [(1, 3, None)]
    with pytest.raises(sealing.Unreadable):
        sealing.unseal(token, {"SECRET_KEY": NEW})
    fresh = sealing.seal([(1, 3, None)], {"SECRET_KEY": NEW, "SECRET_KEY_FALLBACKS": [OLD]})
    with pytest.raises(sealing.Unreadable):  # new seals use the current secret
        sealing.unseal(fresh, {"SECRET_KEY": OLD})


# --- the release rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sealed", "is_open", "minimum", "released"),
    [
        (0, True, 3, 0),
        (5, True, 3, 0),  # open, fewer than twice the minimum: a batch would leave too few for the last
        (6, True, 3, 3),  # all but the minimum
        (30, True, 3, 27),
        (2, False, 3, 0),  # closed, fewer than the minimum: they stay sealed
        (3, False, 3, 3),  # closed: all of them
        (30, False, 3, 30),
        (1, False, 1, 1),
        (1, True, 0, 0),  # a minimum below one counts as one: an open survey keeps one back
    ],
)
def test_the_release_rule(sealed: int, is_open: bool, minimum: int, released: int) -> None:
    assert services.releasable(sealed, is_open, minimum) == released


def test_release_keeps_the_minimum_back_while_open_and_every_receipt(webinar: Webinar) -> None:
    survey = webinar.evaluate(anonymous=True)
    people = guests(webinar, 7)
    for person in people[:5]:
        answer(survey, person)
    assert services.release(survey, OPEN, 3) == 0
    assert counts(survey) == (5, 0, 5)
    answer(survey, people[5])
    before = receipts(survey)
    assert services.release(survey, OPEN, 3) == 3
    db.session.commit()
    assert counts(survey) == (3, 3, 6) and receipts(survey) == before
    assert db.session.scalar(sa.select(sa.func.count(AnonymousAnswer.id))) == 3 * 4
    answer(survey, people[6])  # one more while open: 4 sealed, fewer than twice the minimum
    assert services.release(survey, OPEN, 3) == 0
    assert services.release(survey, CLOSED, 3) == 4
    db.session.commit()
    assert counts(survey) == (0, 7, 7) and receipts(survey) == before | {people[6].id}
    assert services.release(survey, CLOSED, 3) == 0


def test_after_closing_fewer_than_the_minimum_stay_sealed_until_it_is_lowered(
    webinar: Webinar, app: Any, monkeypatch: pytest.MonkeyPatch, clock: Any
) -> None:
    survey = webinar.evaluate(anonymous=True)
    answer(survey, webinar.invitations["fellow"], "Only two of us")
    answer(survey, webinar.invitations["guest"])
    clock.set_time(CLOSED)
    runner = app.test_cli_runner()
    assert "anonymous answers: 0" in runner.invoke(args=["fellowship", "dispatch"]).output
    assert counts(survey) == (2, 0, 2)
    monkeypatch.setitem(app.config, "FELLOWSHIP_EVALUATION_MIN_GROUP", 2)
    assert "anonymous answers: 2" in runner.invoke(args=["fellowship", "dispatch"]).output
    assert counts(survey) == (0, 2, 2)
    texts = db.session.scalars(
        sa.select(AnonymousAnswer.value_text).where(AnonymousAnswer.value_text.is_not(None))
    )
    assert list(texts) == ["Only two of us"]


def test_an_answer_no_key_opens_stays_sealed_with_a_warning(
    webinar: Webinar, app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    survey = webinar.evaluate(anonymous=True)
    people = guests(webinar, 4)
    monkeypatch.setitem(app.config, "SECRET_KEY", OLD)
    answer(survey, people[0])
    monkeypatch.setitem(app.config, "SECRET_KEY", NEW)
    for person in people[1:]:
        answer(survey, person)
    with caplog.at_level(logging.WARNING, logger="fellowship.evaluations"):
        assert services.release(survey, CLOSED, 3) == 3
    db.session.commit()
    [record] = [r for r in caplog.records if getattr(r, "event", "") == "sealed_answers_unreadable"]
    assert (record.levelname, record.survey_id, record.count) == ("WARNING", survey.id, 1)
    assert counts(survey) == (1, 3, 4)  # the unreadable one is kept, not lost; its receipt too
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [OLD])  # the operator puts the old secret back
    assert services.release(survey, CLOSED, 1) == 1
    assert counts(survey) == (0, 4, 4)


def test_sealed_answers_survive_a_backup_and_restore(webinar: Webinar, app: Any, tmp_path: Path) -> None:
    survey = webinar.evaluate(anonymous=True)
    survey_id = survey.id
    answer(survey, webinar.invitations["fellow"], "Kept through the backup")
    before = db.session.execute(sa.select(SealedResponse.id, SealedResponse.sealed)).all()
    path = tmp_path / "backup.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["fellowship", "backup", str(path)]).exit_code == 0
    [row] = next(
        t["rows"] for t in json.loads(path.read_text("utf-8"))["tables"] if t["name"] == "sealed_responses"
    )
    assert base64.b64decode(row["sealed"]) == before[0].sealed and "Kept through" not in path.read_text(
        "utf-8"
    )
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    restored = runner.invoke(args=["fellowship", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert db.session.execute(sa.select(SealedResponse.id, SealedResponse.sealed)).all() == before
    survey = db.session.get(Survey, survey_id)
    assert services.release(survey, CLOSED, 1) == 1
    assert db.session.scalar(
        sa.select(AnonymousAnswer.value_text).where(AnonymousAnswer.value_text.is_not(None))
    ) == ("Kept through the backup")


def test_reshuffle_stores_answers_from_before_sealing_again_in_a_random_order(
    webinar: Webinar, app: Any
) -> None:
    """Rows written the old way (answer beside its receipt, in arrival order) get fresh keys and places."""
    survey = webinar.evaluate(anonymous=True)
    question = next(q for q in survey.questions if q.key == "worked")
    people = guests(webinar, 30)
    for n, person in enumerate(people):
        db.session.add(Receipt(survey_id=survey.id, invitation_id=person.id))
        response = AnonymousResponse(survey_id=survey.id)
        db.session.add(response)
        db.session.flush()
        db.session.add(
            AnonymousAnswer(response_id=response.id, question_id=question.id, value_text=f"answer {n}")
        )
        db.session.flush()
    db.session.commit()
    old_keys = set(db.session.scalars(sa.select(AnonymousResponse.id)))

    def stored_order() -> list[str]:
        return list(
            db.session.scalars(
                sa.select(AnonymousAnswer.value_text)
                .join(AnonymousResponse, AnonymousResponse.id == AnonymousAnswer.response_id)
                .order_by(
                    sa.literal_column(
                        "anonymous_responses.rowid" if _sqlite() else "anonymous_responses.ctid"
                    )
                )
            )
        )

    assert stored_order() == [f"answer {n}" for n in range(30)]
    result = app.test_cli_runner().invoke(args=["fellowship", "reshuffle-anonymous"])
    assert result.exit_code == 0, result.output
    assert "Reshuffled 30 anonymous responses of 1 surveys." in result.output
    db.session.expire_all()
    after = stored_order()
    assert sorted(after) == sorted(f"answer {n}" for n in range(30))
    assert after != [f"answer {n}" for n in range(30)]  # 1 chance in 30! of staying put
    assert not old_keys & set(db.session.scalars(sa.select(AnonymousResponse.id)))
    assert receipts(survey) == {person.id for person in people}


def _sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


@pytest.mark.postgres
def test_an_answer_given_during_a_release_waits_for_it_and_is_kept(webinar: Webinar, app: Any) -> None:
    """The release locks the survey row (FOR UPDATE); a receipt's foreign key needs a share lock on it, so
    an answer given meanwhile waits until the release commits, then is stored (its receipt kept, its sealed
    answer left for the next release)."""
    survey_id = webinar.evaluate(anonymous=True).id
    people = guests(webinar, 7)
    survey = db.session.get(Survey, survey_id)
    for person in people[:6]:
        answer(survey, person)
    late = people[6].id
    released, answered = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def release() -> None:
        with app.app_context():
            try:
                outcome["released"] = services.release(db.session.get(Survey, survey_id), OPEN, 3)
                released.set()
                outcome["answer waited"] = not answered.wait(1)  # the answer cannot finish meanwhile
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome["error"] = error
                released.set()
            finally:
                db.session.remove()

    def late_answer() -> None:
        released.wait(10)
        with app.app_context():
            try:
                answer(db.session.get(Survey, survey_id), db.session.get(EventInvitation, late))
                outcome["answered"] = True
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome["late error"] = error
            finally:
                answered.set()
                db.session.remove()

    threads = [threading.Thread(target=release), threading.Thread(target=late_answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert outcome == {"released": 3, "answer waited": True, "answered": True}
    db.session.expire_all()
    survey = db.session.get(Survey, survey_id)
    assert receipts(survey) == {person.id for person in people}
    assert counts(survey) == (4, 3, 7)
