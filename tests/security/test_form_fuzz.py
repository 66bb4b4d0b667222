"""Every form route fuzzed, from the route inventory and the forms themselves, not from a list of cases.

For each route of ``tests/test_route_inventory.py`` that takes a POST, a person allowed to use it (the
public for public routes) opens the page that shows its form. The fields come from that form as the page
renders it (input types, options, prefilled values) and from the WTForms fields the route binds when it is
posted to (``forms_kit``). Hypothesis then starts from a plausible submission and makes it hostile: days
and moments at the ends of the calendar, huge text, control characters and lone surrogates, junk where a
number or a choice belongs, fields missing or sent twice, and bodies of the wrong type (JSON with numbers,
lists and nulls). Whatever arrives:

- the answer is never a 5xx, and the page a redirect leads to opens without one;
- a refused request (4xx; 409 excepted, which reports what others changed meanwhile) changes nothing;
- nothing stored breaks the rules pages rely on (``forms_kit.rule_breaches``): no control characters, no
  text longer than its column, no day outside the accepted range; and no text is stored cut short.

CI time is bounded: ``EXAMPLES`` derandomised examples per route, the same ones on every run. On two cores
all routes take about a minute on SQLite and a minute and a half on PostgreSQL; raise ``EXAMPLES``
locally to look harder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fellowship.extensions import limiter
from tests.conftest import World
from tests.security import forms_kit
from tests.security.forms_kit import FieldSpec
from tests.test_route_inventory import ROUTES, Route, url_params

EXAMPLES = 16

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

POSTED = sorted(endpoint for endpoint, route in ROUTES.items() if "POST" in route.methods)


def fuzzing_roles(route: Route) -> list[str]:
    """Who may use the route, in the order they are tried: the public for public routes, then the people
    the route is for before those who only oversee it."""
    order = (
        "anonymous",
        "fellow",
        "facilitator",
        "juror",
        "admin",
        "observer",
        "other_facilitator",
        "other_fellow",
    )
    return [role for role in order if role in route.allowed]


def url_of(endpoint: str, route: Route, params: dict[str, Any]) -> str:
    values = {}
    for spec in route.params:
        argument, _sep, source = spec.partition("=")
        values[argument] = params[source or argument]
    return url_for(endpoint, **values)


def candidate_pages(endpoint: str, role: str) -> list[str]:
    """Pages that may show the route's form: the route itself, then pages of the role whose parameters are
    among the route's (the form to cancel an event is on a page about that event), closest first."""
    route = ROUTES[endpoint]
    names = {spec.partition("=")[0] for spec in route.params}
    pages = [endpoint] if "GET" in route.methods else []
    others = [
        (len(names) - len(page_names), e)
        for e, r in ROUTES.items()
        if e != endpoint
        and "GET" in r.methods
        and (role in r.allowed)
        and (page_names := {spec.partition("=")[0] for spec in r.params}) <= names
    ]
    return pages + [e for _distance, e in sorted(others)]


def discover(
    app: Any, client_as: Any, endpoint: str, params: dict[str, Any]
) -> tuple[str, dict[str, FieldSpec]]:
    """The role to fuzz as and the fields of the route's form: as a page shows it to the first role that
    sees it, merged with the fields the route binds when it is posted to (a dry run: nothing is kept)."""
    roles = fuzzing_roles(ROUTES[endpoint])
    with app.test_request_context():
        target = urlsplit(url_of(endpoint, ROUTES[endpoint], params)).path
    role, fields = roles[0], {}
    for candidate in roles:
        client = client_as(candidate)
        with app.test_request_context():
            pages = [url_of(e, ROUTES[e], params) for e in candidate_pages(endpoint, candidate)]
        for page in pages:
            response = client.get(page)
            if response.status_code == 200 and "html" in response.content_type:
                found = forms_kit.page_forms(page, response.get_data(as_text=True)).get(target)
                if found is not None:
                    role, fields = candidate, found
                    break
        if fields:
            break
    dry = contextlib.suppress(forms_kit.DryRun)
    with forms_kit.recording_bound_fields() as bound, forms_kit.dry_run(), dry:
        client_as(role).post(target, data={})
    for name, spec in bound.items():
        known = fields.setdefault(name, spec)
        known.values += [v for v in spec.values if v not in known.values]
        known.max_length = known.max_length or spec.max_length
    return role, fields


# --- values -------------------------------------------------------------------------------------------------

PLAUSIBLE = {
    "text": "fuzzy",
    "multiline": "Fuzzy text\nover two lines",
    "password": "correct horse battery staple",
    "email": "fuzz@example.org",
    "url": "https://example.org/fuzz",
    "date": "2024-02-15",
    "datetime": "2024-02-15T12:00",
    "number": "1",
    "checkbox": "y",
    "hidden": "1",
    "file": "",
}

# The ends of the calendar first: the last moment overflows when moved west of UTC (the cohorts' zones
# here), the first when moved east; then the days just outside and just inside the accepted range.
EDGE_DAYS = [dt.date.max, dt.date.min, dt.date(2201, 1, 1), dt.date(1899, 12, 31)]
EDGE_DAYS += [dt.date(2200, 12, 31), dt.date(1900, 1, 1)]
EDGE_MOMENTS = [dt.datetime.max, dt.datetime.min] + [
    dt.datetime.combine(d, dt.time(23, 59)) for d in EDGE_DAYS[2:]
]
JUNK = ["", " ", "0", "-1", "1e309", "NaN", "inf", "99999999999999999999", "2024-02-30", "2024-13-01"]
JUNK += ["99999-01-01", "-0001-01-01", "0000-00-00", "\x00", "<script>", "[]", "{}", "null", "true"]
CONTROL = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9b",
    "\ud800",
    "\udfff",
    "\r",
    "\t",
    "\u2028",
    "\ufffe",
]


def long_text(length: int) -> str:
    """Text of ``length`` characters that starts with its length, so that no long value sent is the
    beginning of another (``forms_kit.cut_short`` looks for stored text that is a cut-short value)."""
    return (f"{length}:" + "x" * length)[:length]


def _text(spec: FieldSpec) -> st.SearchStrategy[str]:
    limit = spec.max_length or 200
    return st.one_of(
        st.tuples(st.sampled_from(CONTROL), st.sampled_from(["", "Name"])).map(
            lambda pair: pair[1] + pair[0]
        ),
        st.sampled_from([limit, limit + 1, 10_000, 600_000]).map(long_text),
        st.text(max_size=40),
        st.sampled_from(["\u202eevil", "🙂" * 100, "   ", "' OR 1=1 --", "%00", "\\x00"]),
    )


def hostile(spec: FieldSpec) -> st.SearchStrategy[Any]:
    junk = st.sampled_from(JUNK)
    if spec.kind == "date":
        edges = st.sampled_from(EDGE_DAYS).map(dt.date.isoformat)
        return st.one_of(edges, st.dates().map(dt.date.isoformat), junk)
    if spec.kind == "datetime":
        edges = st.sampled_from(EDGE_MOMENTS).map(lambda m: m.isoformat()[:16])
        return st.one_of(edges, st.datetimes().map(lambda m: m.isoformat()[:16]), junk)
    if spec.kind == "number":
        huge = st.integers(min_value=-(2**70), max_value=2**70).map(str)
        return st.one_of(junk, huge, st.floats().map(repr), st.sampled_from(["١٢", "0x10", "1_000", "+5"]))
    if spec.kind in {"choice", "multi", "checkbox", "hidden"}:
        options = st.sampled_from(spec.values) if spec.values else junk
        return st.one_of(junk, options, _text(spec))
    return st.one_of(_text(spec), junk)


def plausible(spec: FieldSpec, position: int) -> str:
    """What the page offers, else a value of the field's kind; the n-th date or time of a form is n days or
    hours after the first, so an end comes after its start."""
    offered = [v for v in spec.values if v]
    if offered:
        return offered[0]
    if spec.kind == "date":
        return (dt.date(2024, 2, 15) + dt.timedelta(days=position)).isoformat()
    if spec.kind == "datetime":
        return (dt.datetime(2024, 2, 15, 12) + dt.timedelta(hours=position)).isoformat()[:16]
    return PLAUSIBLE.get(spec.kind, "1")


def at_edge(kind: str, edge: int, position: int, count: int) -> str:
    """The ``position``-th of ``count`` days or moments of a form, all at one edge of the calendar and in
    order (an end still after its start)."""
    step = position if EDGE_DAYS[edge].year < 2000 else position - count + 1
    if kind == "date":
        return (EDGE_DAYS[edge] + dt.timedelta(days=step)).isoformat()
    return (EDGE_MOMENTS[edge] + dt.timedelta(hours=step)).isoformat()[:16]


AT_THE_EDGE = "every day and time of the form at one edge of the calendar"


@st.composite
def submissions(draw: Any, fields: dict[str, FieldSpec]) -> list[tuple[str, Any]]:
    """A plausible submission made hostile in one way: every day and time at one edge of the calendar
    (the kind of value that broke most pages, tried first), or some fields of one kind given hostile
    values; maybe one more field of any kind too, a few dropped and a few sent twice."""
    names = list(fields)  # in the page's order
    if not names:
        return draw(st.lists(st.tuples(st.sampled_from(["action", "x"]), st.text()), max_size=1))
    moments = [name for name in names if fields[name].kind in {"date", "datetime"}]
    kinds = sorted({fields[name].kind for name in names})
    focus = draw(st.sampled_from([AT_THE_EDGE] * bool(moments) + kinds))
    edge = draw(st.sampled_from(range(len(EDGE_DAYS)))) if focus == AT_THE_EDGE else None
    chosen = st.sets(st.sampled_from(names), max_size=2)
    of_focus = [name for name in names if fields[name].kind == focus]
    mutated = draw(chosen) | (
        draw(st.sets(st.sampled_from(of_focus), min_size=1, max_size=2)) if of_focus else set()
    )
    dropped, doubled = draw(chosen), draw(chosen)
    pairs: list[tuple[str, Any]] = []
    for name in names:
        spec = fields[name]
        if name in dropped or spec.kind == "file":
            continue
        if spec.kind in {"checkbox", "multi"} and name not in mutated and not draw(st.booleans()):
            continue  # an unticked box is not sent
        position = moments.index(name) if name in moments else 0
        if edge is not None and name in moments:
            value = at_edge(spec.kind, edge, position, len(moments))
        elif name in mutated:
            value = draw(hostile(spec))
        else:
            value = plausible(spec, position)
        pairs.append((name, value))
        if name in doubled:
            pairs.append((name, draw(hostile(spec))))
    extra = draw(
        st.lists(st.tuples(st.sampled_from(["q999", "s-1-2024-02-15", "action", "x"]), st.text()), max_size=1)
    )
    return pairs + extra


WRONG_TYPES = st.one_of(
    st.integers(), st.floats(allow_nan=False), st.none(), st.booleans(), st.lists(st.integers(), max_size=3)
)
WRONG_TYPES |= st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)


def post(client: Any, url: str, pairs: list[tuple[str, Any]], as_json: bool, draw: Any) -> Any:
    """Send the pairs as a browser would (URL-encoded, lone surrogates as their UTF-8 bytes), or as JSON
    where some values become numbers, lists, nulls or objects."""
    token = client.csrf_token()
    if as_json:
        body = {name: draw(st.one_of(st.just(value), WRONG_TYPES)) for name, value in pairs}
        text = json.dumps({**body, "csrf_token": token}, ensure_ascii=True)
        return client.post(
            url, csrf=False, data=text, content_type="application/json", headers={"X-CSRFToken": token}
        )
    body = urlencode([*pairs, ("csrf_token", token)], encoding="utf-8", errors="surrogatepass").encode()
    return client.post(url, csrf=False, data=body, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("endpoint", POSTED)
def test_form_route_survives_hostile_submissions(
    app: Any, world: World, client_as: Any, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)  # the fuzz would only meet the limits
    monkeypatch.setattr(limiter, "enabled", False)
    route = ROUTES[endpoint]
    params = url_params(app, world)
    role, fields = discover(app, client_as, endpoint, params)
    with app.test_request_context():
        url = url_of(endpoint, route, params)

    # What the database held after one example is what it holds before the next (signing in again only
    # adds a session, which ``forms_kit.BOOKKEEPING`` leaves out), so it is read once per example.
    stored: dict[str, Any] = {}

    @FUZZ
    @given(data=st.data())
    def hostile_submission(data: Any) -> None:
        pairs = data.draw(submissions(fields), label="fields")
        as_json = data.draw(st.booleans(), label="json") and data.draw(st.booleans())
        client = client_as(role)
        before = stored.pop("rows", None) or forms_kit.stored_rows()
        response = post(client, url, pairs, as_json, data.draw)
        assert response.status_code < 500, (url, pairs)
        if response.status_code in {301, 302, 303} and response.headers["Location"].startswith("/"):
            landed = client.get(response.headers["Location"])
            assert landed.status_code < 500, (response.headers["Location"], pairs)
        after = forms_kit.stored_rows()
        assert forms_kit.rule_breaches(after) == [], (url, pairs)
        sent = [value for _name, value in pairs if isinstance(value, str)]
        assert forms_kit.cut_short(sent, before, after) == [], (url, pairs)
        if 400 <= response.status_code < 500 and response.status_code != 409:
            assert forms_kit.changed_tables(before, after) == [], (url, response.status_code, pairs)
        stored["rows"] = after

    hostile_submission()
