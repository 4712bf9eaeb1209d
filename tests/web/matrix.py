"""The role x page machinery of the access tests: the expected answer per role, reading
a response against it, and running a table of pages or form posts for every role.

(tests/web/test_governance_access.py has its own copy of the same steps; it can use
these.)"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.conftest import ALL_ROLES
from tests.web.support import db_snapshot, is_login_redirect, query, redirect_path, text

ANONYMOUS = "anonymous"
COLUMNS = [*ALL_ROLES, ANONYMOUS]
OK, NO, NF = 200, 403, 404


@dataclass(frozen=True)
class Go:
    path: str

    def __repr__(self) -> str:
        return f"302->{self.path}"


LOGIN = Go("/login")


def expect(allowed: set, yes=OK, no=NO) -> tuple:
    """One answer per column: ``yes`` for the allowed roles, ``no`` for the others with an
    account, /login for anonymous visitors."""
    return tuple(LOGIN if role == ANONYMOUS else yes if role in allowed else no
                 for role in COLUMNS)


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    expected: tuple


@dataclass(frozen=True)
class Post:
    id: str
    url: str
    allowed: set
    data: dict
    probe: Callable[[Any, dict], Any]
    prepare: Callable[[Any, dict], None] | None = None
    not_found_for: set = field(default_factory=set)   # refused roles that get 404, not 403


def check(response, expected, ids) -> str | None:
    """What is wrong with ``response`` against the expected answer, or None."""
    if isinstance(expected, Go):
        if response.status_code != 302:
            return f"expected {expected!r}, got {response.status_code}"
        path = redirect_path(response)
        return None if path == expected.path.format(**ids) else \
            f"expected {expected!r}, got 302->{path}"
    if response.status_code != expected:
        return f"expected {expected}, got {response.status_code}"
    body = text(response) if response.mimetype == "text/html" else ""
    if expected == NO and "U hebt geen toegang tot deze pagina." not in body:
        return "403 without the Dutch 'no access' message"
    if expected == NF and "Deze pagina bestaat niet (meer)." not in body:
        return "404 without the Dutch 'not found' message"
    return None


def log_in(role, auth, login_as) -> None:
    if role == ANONYMOUS:
        auth.logout()
    else:
        login_as(role)


def run_page(page: Page, ids: dict, client, auth, login_as) -> None:
    """GET the page as every role and compare with the expected answers."""
    url = page.url.format(**ids)
    problems = []
    for role, expected in zip(COLUMNS, page.expected):
        log_in(role, auth, login_as)
        problem = check(client.get(url), expected, ids)
        if problem:
            problems.append(f"{role}: {problem}")
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


def run_post(case: Post, app, ids: dict, client, auth, login_as) -> None:
    """POST as every refused role (the database stays exactly as it was), then as the
    allowed roles (the first one's POST takes effect; later ones may get 422)."""
    url = case.url.format(**ids)
    data = {k.format(**ids): v.format(**ids) for k, v in case.data.items()}
    initial = query(app, lambda s: case.probe(s, ids))
    problems = []
    for role in (r for r in COLUMNS if r not in case.allowed):
        log_in(role, auth, login_as)
        before = db_snapshot(app)
        response = client.post(url, data=data)
        refused = NF if role in case.not_found_for else NO
        if role == ANONYMOUS:
            if not is_login_redirect(response):
                problems.append(f"{role}: expected /login, got {response.status_code}")
        elif response.status_code != refused:
            problems.append(f"{role}: expected {refused}, got {response.status_code}")
        if db_snapshot(app) != before:
            problems.append(f"{role}: the database changed although the request was refused")
    assert query(app, lambda s: case.probe(s, ids)) == initial
    for index, role in enumerate(r for r in COLUMNS if r in case.allowed):
        log_in(role, auth, login_as)
        response = client.post(url, data=data)
        wanted = (302,) if index == 0 else (302, 422)
        if response.status_code not in wanted:
            problems.append(f"{role}: expected {wanted}, got {response.status_code}: "
                            f"{text(response)[:800] if response.status_code != 302 else ''}")
    if case.allowed:
        assert query(app, lambda s: case.probe(s, ids)) != initial, "the POST changed nothing"
    assert not problems, f"POST {url}:\n" + "\n".join(problems)


def uncovered_routes(app, ids: dict, prefix: str, requests: list[tuple[str, str]]) -> set:
    """The routes of the blueprint ``prefix`` that no (method, url) of the tables reach."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, url in requests:
        try:
            endpoint, _args = adapter.match(url.format(**ids).split("?")[0], method=method)
        except (NotFound, MethodNotAllowed):  # pragma: no cover - a broken table row
            pytest.fail(f"{method} {url} matches no route")
        covered.add((endpoint, method))
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith(prefix)
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes - covered
