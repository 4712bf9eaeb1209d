"""Reading the post forms of the app's pages for the hostile-input and CSRF tests: every
form on every page the test data reaches, with its fields' current values (what a
browser would send unchanged) and their options, keyed by the endpoint the form posts
to."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from models import db
from tests.web.page_support import page_urls

#: not forms of a create/edit page: logging in and out, the language switch, the API
SKIP = ("/api/", "/login", "/logout", "/taal", "/static/")
NOT_HTML = re.compile(r"(pdf|ics|csv|xlsx|export|feed|afdruk|poster)", re.I)
#: endpoints done last: they end, lock or remove what the other forms work on
TERMINAL = re.compile(r"\.(lock|cancel|lift_block|return_key|decline|approve|revoke_\w+|"
                      r"end_\w+|resolve|withdraw|line_ignore|present|audit_check|"
                      r"candidate_status|complete_handover|reverse_payment|cancel_due|"
                      r"move_out|sync_members|generate|export_\w+|set_active)$")


@dataclass
class Field:
    kind: str                          # text, hidden, textarea, checkbox, radio, select,
    values: list[str] = field(default_factory=list)    # multiple, button, file, ...
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: dict[str, Field]
    page: str = ""
    role: str = "admin"                # who is logged in when the form is read and posted
    #: the other routes its buttons post the same fields to (``formaction``)
    formactions: list[str] = field(default_factory=list)

    def baseline(self) -> dict[str, list[str]]:
        """What the browser sends when the form is submitted as it is shown."""
        data = {}
        for name, f in self.fields.items():
            if f.kind == "file":
                continue
            if f.kind in ("checkbox", "radio", "multiple"):
                if f.values:
                    data[name] = list(f.values)
            elif f.kind == "select":
                data[name] = (f.values or f.options or [""])[:1]
            elif f.kind == "button":
                data[name] = f.options[:1]
            else:
                data[name] = (f.values or [""])[:1]
        return data


class _Forms(HTMLParser):
    """The post forms of a page with their fields (``form="id"`` fields included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._by_id: dict[str, Form] = {}
        self._open: Form | None = None
        self._select: tuple[Form, str] | None = None
        self._textarea: tuple[Form, str] | None = None

    def _target(self, a: dict) -> Form | None:
        return self._by_id.get(a["form"]) if a.get("form") else self._open

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "option" and self._select:
            form, name = self._select
            form.fields[name].options.append(a.get("value", ""))
            if "selected" in a:
                form.fields[name].values.append(a.get("value", ""))
            return
        if tag == "form":
            if a.get("method", "").lower() != "post":
                self._open = None
                return
            self._open = Form(a.get("action", ""), {})
            self.forms.append(self._open)
            if a.get("id"):
                self._by_id[a["id"]] = self._open
            return
        form, name = self._target(a), a.get("name")
        if form is not None and a.get("formaction") and "disabled" not in a and (
                tag == "button" and a.get("type", "submit") == "submit"
                or tag == "input" and a.get("type", "").lower() == "submit"):
            form.formactions.append(a["formaction"])
        if form is None or not name or "disabled" in a:
            return
        kind = a.get("type", "text").lower() if tag == "input" else tag
        if tag == "input":
            self._input(form, name, kind, a)
        elif tag == "button" and kind != "button":
            form.fields.setdefault(name, Field("button")).options.append(a.get("value", ""))
        elif tag == "textarea":
            form.fields[name] = Field("textarea", [""])
            self._textarea = (form, name)
        elif tag == "select":
            form.fields[name] = Field("multiple" if "multiple" in a else "select")
            self._select = (form, name)

    def _input(self, form: Form, name: str, kind: str, a: dict) -> None:
        if kind in ("submit", "image", "reset", "button"):
            if kind == "submit":
                form.fields.setdefault(name, Field("button")).options.append(a.get("value", ""))
            return
        f = form.fields.setdefault(name, Field(kind))
        if kind in ("checkbox", "radio"):
            value = a.get("value", "on")
            f.options.append(value)
            if "checked" in a:
                f.values.append(value)
        elif kind != "file":
            f.values.append(a.get("value", ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._textarea:
            form, name = self._textarea
            form.fields[name].values[0] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._open = None



def forms_of(html: str, page_url: str) -> list[Form]:
    """The post forms of ``html`` (shown at ``page_url``), with absolute actions; a form
    whose buttons post to other routes (``formaction``) counts once per route."""
    parser = _Forms()
    parser.feed(html)
    found = []
    for form in parser.forms:
        form.action = form.action or page_url
        form.page = page_url
        found.append(form)
        found += [Form(action, dict(form.fields), page_url, form.role)
                  for action in dict.fromkeys(form.formactions) if action != form.action]
    return found


def endpoint_of(app, action: str) -> str | None:
    """The endpoint a form's action posts to (None outside the app or skipped)."""
    path = urlsplit(action).path
    if path.startswith(SKIP):
        return None
    try:
        endpoint, _args = app.url_map.bind("localhost").match(path, method="POST")
    except Exception:  # noqa: BLE001 - not a POST rule of the app
        return None
    return endpoint


def row_counts() -> dict[str, int]:
    """The number of rows of every table (in one query)."""
    tables = [t.name for t in db.metadata.sorted_tables]
    rows = db.session.execute(sa.text(" UNION ALL ".join(
        f"SELECT '{t}', COUNT(*) FROM {t}" for t in tables))).all()
    db.session.rollback()
    return dict(rows)


def _get_page(rule) -> bool:
    return "GET" in rule.methods and rule.endpoint != "static" and \
        not rule.rule.startswith(("/api/", "/login")) and not NOT_HTML.search(rule.rule)


def collect_forms(app, client, ids, role: str, found: dict[str, Form],
                  wanted=lambda url: True) -> dict[str, Form]:
    """Add to ``found`` one form per endpoint it posts to (the one with the most fields)
    over every page ``role`` sees; an endpoint found as an earlier role is kept."""
    pages = [url for _endpoint, url in page_urls(app, ids, _get_page)] + ids["extra"]
    mine: dict[str, Form] = {}
    for url in filter(wanted, pages):
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.content_type:
            continue
        for form in forms_of(page.get_data(as_text=True), url):
            endpoint = endpoint_of(app, form.action)
            form.role = role
            if endpoint and endpoint not in found and (
                    endpoint not in mine or len(form.fields) > len(mine[endpoint].fields)):
                mine[endpoint] = form
    found.update(mine)
    return found


@pytest.fixture
def forms(app, client, login_as, page_ids) -> dict[str, Form]:
    """One form per endpoint over every page the test data reaches, as admin (and the
    hours pages as the coach), terminal endpoints last. Needs ``page_ids`` imported too."""
    found: dict[str, Form] = {}
    login_as("admin")
    collect_forms(app, client, page_ids, "admin", found)
    login_as("communitycoach")  # only the author edits an hour entry
    collect_forms(app, client, page_ids, "communitycoach", found, lambda url: "/uren/" in url)
    return dict(sorted(found.items(), key=lambda item: bool(TERMINAL.search(item[0]))))
