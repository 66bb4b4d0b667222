"""Awards' part of "download my data" and of erasure (``core.personal_data``).

Kept on purpose: scores (a juror's points count in the results), and votes, which never held an address
(a keyed voter key, the domain and a keyed network hash); keeping the voter key keeps "one vote per
person" in a contest that is still running.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.awards.models import ConflictOfInterest, Criterion, Project, Score
from fellowship.core import personal_data
from fellowship.extensions import db


def export(user: Any) -> dict[str, Any]:
    projects = db.session.scalars(
        sa.select(Project).where(Project.submitted_by_id == user.id).order_by(Project.id)
    )
    scores = db.session.execute(
        sa.select(Project.title, Criterion.name, Score.points, Score.comment)
        .join(Project, Project.id == Score.project_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(Score.user_id == user.id)
        .order_by(Project.id, Criterion.id)
    )
    return {
        "entries": [
            {"title": p.title, "team": p.team, "status": p.status.value, "summary": p.summary}
            for p in projects
        ],
        "scores_given": [
            {"project": title, "criterion": name, "points": points, "comment": comment}
            for title, name, points, comment in scores
        ],
    }


def erase(erasure: personal_data.Erasure) -> None:
    """Contest entries keep the project (a team's work, still judged and voted on) without the people:
    the team list loses the person's line (the whole list for their own entries, which they typed), and
    the person's name leaves every entry's text. Reasons given for their conflicts of interest go."""
    for project in db.session.scalars(sa.select(Project).where(Project.submitted_by_id == erasure.user.id)):
        project.team = ""
    for secret in erasure.secrets():
        mentions = sa.or_(
            *(
                column.contains(secret, autoescape=True)
                for column in (
                    Project.team,
                    Project.summary,
                    Project.problem,
                    Project.beneficiaries,
                    Project.results,
                    Project.review_comment,
                )
            )
        )
        for project in db.session.scalars(sa.select(Project).where(mentions)):
            project.team = "\n".join(
                line for line in project.team.splitlines() if line.strip() != erasure.name.strip()
            )
            for column in ("team", "summary", "problem", "beneficiaries", "results", "review_comment"):
                setattr(project, column, erasure.scrub(getattr(project, column)))
    db.session.execute(
        sa.update(ConflictOfInterest).where(ConflictOfInterest.user_id == erasure.user.id).values(reason="")
    )
    db.session.flush()


personal_data.register(
    "contests",
    export,
    erase=erase,
    tables=("projects", "juror_assignments", "conflicts_of_interest", "scores", "vote_requests", "votes"),
)
