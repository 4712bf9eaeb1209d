"""Helpers shared by the web tests: reading HTML, looking into the database."""
from __future__ import annotations

import html as html_lib
import re
import zlib
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import limiter
from models import Membership, Resident, Unit, User, db


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """These tests log in many times; start each with empty login rate-limit counters
    (import this fixture into a test module to use it)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app")
        limiter.reset()
    yield

# --- responses and HTML ------------------------------------------------------------


def text(response) -> str:
    return response.get_data(as_text=True)


def main_of(page: str) -> str:
    """The page's ``<main>`` element (without header, navigation and footer)."""
    match = re.search(r"<main\b.*?</main>", page, re.S)
    assert match, "page has no <main> element"
    return match.group(0)


def strip_tags(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def field_error(page: str, field_id: str) -> str | None:
    """The error message shown next to a form field, or None."""
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return strip_tags(match.group(1)) if match else None


def form_alert(page: str) -> str | None:
    """The text of the error box above a form, or None."""
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S)
    return strip_tags(match.group(1)) if match else None


def stats(page: str) -> dict[str, str]:
    """The dashboard's summary figures: ``{"Bewoners": "4", "Begeleid": "2 (50,0%)", ...}``."""
    block = re.search(r'<dl class="stats">(.*?)</dl>', page, re.S)
    assert block, "dashboard has no summary figures"
    return {strip_tags(dt): strip_tags(dd)
            for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1), re.S)}


def html_lang(page: str) -> str | None:
    match = re.search(r'<html lang="([^"]*)"', page)
    return match.group(1) if match else None


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = 0
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body += 1
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body -= 1
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(fragment: str) -> list[list[str]]:
    """The cell texts of every body row of every table in ``fragment``."""
    parser = _TableParser()
    parser.feed(fragment)
    return parser.rows


def resident_rows(page: str) -> dict[str, list[str]]:
    """The resident list as ``{name: [cells after the name]}``."""
    return {row[0]: row[1:] for row in table_rows(main_of(page))
            if row and row[0] != "Geen bewoners gevonden."}


def select_options(page: str, select_id: str) -> list[str]:
    match = re.search(rf'<select[^>]*\bid="{re.escape(select_id)}"[^>]*>(.*?)</select>', page,
                      re.S)
    assert match, f"no <select id={select_id}>"
    return [strip_tags(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", match.group(1),
                                              re.S)]


def redirect_path(response) -> str:
    assert response.status_code in (301, 302, 303, 307, 308), response.status_code
    return urlsplit(response.headers["Location"]).path


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response.headers["Location"]).path == "/login"


def login_next(response) -> str | None:
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query.get("next", [None])[0]


# --- the database ------------------------------------------------------------------


def db_snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, to compare before and after a request."""
    with app.app_context():
        with db.engine.connect() as conn:
            return {table.name: sorted(repr(tuple(row)) for row in conn.execute(sa.select(table)))
                    for table in db.metadata.sorted_tables}


def query(app, fn):
    """Run ``fn(session)`` in a fresh app context and return its (plain) result."""
    with app.app_context():
        try:
            return fn(db.session)
        finally:
            db.session.remove()


def url_ids(app, world) -> dict[str, int]:
    """The ids the URL templates of the tests use."""

    def collect(session):
        ids = {"site": world.site, "other_site": world.other_site,
               "other_resident": world.other_resident}
        ids.update({f"resident_{k}": v for k, v in world.residents.items()})
        ids.update({f"unit_{k}": v for k, v in world.units.items()})
        ids.update({f"part_{k.split()[-1]}": v for k, v in world.parts.items()})
        ids.update({f"org_{k}": v for k, v in world.orgs.items()})
        ids.update({f"user_{k}": v for k, v in world.users.items()})
        ids["other_unit"] = session.scalar(sa.select(Unit.id).where(
            Unit.site_id == world.other_site))
        for role, user_id in world.users.items():
            membership = session.scalar(sa.select(Membership.id).where(
                Membership.user_id == user_id))
            if membership is not None:
                ids[f"membership_{role}"] = membership
        return ids

    return query(app, collect)


def resident(app, resident_id: int) -> dict:
    """The resident's columns as a plain dict."""

    def load(session):
        r = session.get(Resident, resident_id)
        return {c.key: getattr(r, c.key) for c in sa.inspect(Resident).column_attrs}

    return query(app, load)


def count(app, model, *where) -> int:
    return query(app, lambda s: s.scalar(sa.select(sa.func.count()).select_from(model)
                                         .where(*where)))


def user_id_by_email(app, email: str) -> int | None:
    return query(app, lambda s: s.scalar(sa.select(User.id).where(User.email == email)))


# --- PDFs, read without a PDF library ---------------------------------------------------

PDF_TITLE = rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)"


def pdf_objects(document: bytes) -> bytes:
    """The PDF with its zlib-compressed streams unpacked beside it (WeasyPrint packs the
    catalogue, the outline and the document's language into object streams)."""
    parts = [document]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue  # an image or a font
    return b"\n".join(parts)


def pdf_titles(document: bytes) -> list[str]:
    """The /Title strings of a PDF (the document's and its bookmarks', i.e. the
    headings), decoded: UTF-16 in hex when not ASCII, else a literal with escapes."""
    found = []
    for match in re.finditer(PDF_TITLE, pdf_objects(document)):
        raw = match.group(1)
        if raw.startswith(b"<"):
            found.append(bytes.fromhex(raw[1:-1].decode()).decode("utf-16"))
        else:
            found.append(re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1"))
    return found
