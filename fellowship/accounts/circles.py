"""The organisations a person is offered on their profile: those of the people they run programs with.

A fellow picks their organisation from a list; offering every organisation of every program would show
one program's partners to another's fellows. Accounts knows nothing of programs (domains depend
downwards), so a higher domain registers here the query of "user ids this person shares a program with",
and the list is their organisations, the person's own current one, and nothing else. Site administrators
are offered every organisation, as on their admin pages.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from fellowship.accounts.models import Organization, User

PeopleQuery = Callable[[int], sa.Select[tuple[int]]]
_sources: list[PeopleQuery] = []


def register(source: PeopleQuery) -> None:
    """Add a query of the user ids a person (given by id) shares something with."""
    if source not in _sources:
        _sources.append(source)


def organisations_for(user: User) -> sa.Select[tuple[Organization]]:
    ordered = sa.select(Organization).order_by(sa.func.lower(Organization.name))
    if user.is_admin:
        return ordered
    offered = [Organization.id == user.organization_id] if user.organization_id else []
    for source in _sources:
        offered.append(
            Organization.id.in_(
                sa.select(User.organization_id).where(
                    User.organization_id.is_not(None), User.id.in_(source(user.id))
                )
            )
        )
    return ordered.where(sa.or_(sa.false(), *offered))
