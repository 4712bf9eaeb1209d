"""Hostile and random input on every create/edit page (hypothesis): the answer is the
form with a message or a redirect after a complete save, never a 500, and a refused
form leaves no row behind (the row count of every table is unchanged).

The pages are found from the URL map (every rule taking GET and POST), opened as admin
with the test data's ids, and their post forms are read from the HTML: each field gets
a hostile string, a number at or over a limit, a broken date, or one of its options."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st

from models import db
from tests.web.page_support import page_ids, page_urls  # noqa: F401
from tests.web.support import fresh_rate_limits  # noqa: F401

HOSTILE = ["", " ", "0", "-1", "1.5", "1,5", "1e309", "NaN", "-0", "2147483648",
           "99999999999999999999", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31",
           "31-12-2026", "25:61", "<script>alert(1)</script>", "' OR 1=1 --", "%s%s%n",
           "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓", "A" * 3000, "on", "y", "ja", "true", "2026-W99",
           "../../etc/passwd", "{{ 7*7 }}"]
SKIP = ("/api/", "/login", "/taal", "/uitloggen")


class _Forms(HTMLParser):
    """The post forms of a page: their action and fields (with a select's options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms.append({"action": a.get("action"), "fields": {}})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name") and \
                a.get("type") not in ("submit", "button", "file"):
            values = self.forms[-1]["fields"].setdefault(a["name"], [])
            if a.get("value") is not None:
                values.append(a["value"])
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["fields"].setdefault(a["name"], [])
        elif tag == "option" and self._select:
            self.forms[-1]["fields"][self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms_of(html: str, url: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return [f for f in parser.forms if f["fields"] and (f["action"] in (None, "", url))]


def _row_counts() -> dict[str, int]:
    tables = [t.name for t in db.metadata.sorted_tables]
    rows = db.session.execute(sa.text(" UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {t}" for t in tables))).all()
    db.session.rollback()
    return dict(rows)


def _form_pages(app, client, ids) -> list[tuple[str, str, dict]]:
    """(endpoint, url, fields) of every page with a GET and a POST (a create/edit page)."""
    found = []
    for endpoint, url in page_urls(app, ids, lambda rule: {"GET", "POST"} <= rule.methods
                                   and not rule.rule.startswith(SKIP)):
        page = client.get(url)
        if page.status_code == 200:
            found.extend((endpoint, url, form["fields"])
                         for form in _forms_of(page.get_data(as_text=True), url))
    return found


def _values(fields: dict) -> st.SearchStrategy:
    def one(name, options):
        if name == "csrf_token":
            return st.just(options[0] if options else "")
        choices = [o for o in options if o is not None]
        return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                         *([st.sampled_from(choices)] if choices else []))
    return st.fixed_dictionaries({name: one(name, options) for name, options in fields.items()})


def test_every_form_page_survives_hostile_input(app, client, login_as, page_ids):
    login_as("admin")
    pages = _form_pages(app, client, page_ids)
    assert len(pages) >= 25, [p[0] for p in pages]
    failures = []
    for endpoint, url, fields in pages:
        @settings(max_examples=8, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=_values(fields))
        def post(data):
            with app.app_context():
                before = _row_counts()
            response = client.post(url, data=data)
            assert response.status_code < 500, (endpoint, data)
            if response.status_code != 302:
                with app.app_context():
                    assert _row_counts() == before, (endpoint, response.status_code, data)
                if response.status_code in (200, 422) and "text/html" in response.content_type:
                    page = response.get_data(as_text=True)
                    assert re.search(r'class="(error|alert alert-error)"', page) or \
                        response.status_code == 200, (endpoint, data)

        try:
            post()
        except Exception as error:  # noqa: BLE001 - collect every page's finding
            failures.append(f"{endpoint}: {type(error).__name__}: {str(error)[:600]}")
        login_as("admin")  # a form may have changed the session (e.g. the language)
    assert not failures, "\n\n".join(failures)
