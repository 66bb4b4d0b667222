"""Hundreds of confirmations at once (PostgreSQL): nothing lost, nothing doubled."""

from __future__ import annotations

import random
from typing import Any

import pytest
import sqlalchemy as sa

from fellowship.awards import voting
from fellowship.awards.enums import Phase
from fellowship.awards.models import Contest, Vote
from fellowship.extensions import db
from tests.awards.conftest import add_project, make_contest
from tests.concurrency import run_at_once
from tests.conftest import World

THREADS = 32


@pytest.mark.postgres
def test_concurrent_confirmations_count_each_token_once(app: Any, world: World) -> None:
    contest = make_contest(world, Phase.VOTING)
    contest.votes_per_voter = 2
    projects = [add_project(contest, world, f"Project {n}") for n in range(4)]
    secret = app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    tokens: list[str] = []
    for voter in range(30):
        spellings = [
            f"voter.{voter}@gmail.com",
            f"Voter{voter}+x@Gmail.com",
            f"v.o.t.e.r{voter}@googlemail.com",
        ]
        for n, spelling in enumerate(spellings):  # the same mailbox asks three times, for three projects
            tokens.append(voting.request_vote(contest, projects[(voter + n) % 4], secret, spelling, 24))
        tokens.append(
            voting.request_vote(contest, projects[voter % 4], secret, spellings[1], 24)
        )  # same project
    db.session.commit()
    contest_id = contest.id
    attempts = tokens * 2  # every token replayed once
    random.Random(7).shuffle(attempts)
    assert len(attempts) >= 200
    outcomes: dict[str, list[str]] = {t: [] for t in tokens}

    def worker(share: list[str]) -> list[tuple[str, str]]:
        done = []
        for token in share:
            outcome = voting.confirm(token, db.session.get(Contest, contest_id), "")
            db.session.commit()
            done.append((token, outcome.status))
        return done

    shares = [attempts[i::THREADS] for i in range(THREADS)]
    results = run_at_once(app, [lambda s=share: worker(s) for share in shares], timeout=120)
    for result in results:
        assert not isinstance(result, Exception), result
        for token, status in result:
            outcomes[token].append(status)
    for statuses in outcomes.values():
        assert len(statuses) == 2 and statuses.count("used") == 1, statuses  # one real outcome per token
    rows = db.session.execute(sa.select(Vote.voter_key, Vote.project_id, Vote.slot)).all()
    pairs = {(key, project) for key, project, _slot in rows}
    assert len(pairs) == len(rows)  # nothing doubled
    counted = sum(1 for statuses in outcomes.values() for s in statuses if s == "counted")
    assert counted == len(rows) == sum(voting.tally(contest_id).values())  # nothing lost
    per_voter: dict[str, int] = {}
    for key, _project, _slot in rows:
        per_voter[key] = per_voter.get(key, 0) + 1
    assert len(per_voter) == 30 and set(per_voter.values()) == {2}  # each mailbox used exactly its two votes
