"""Hostile and random input on every form of the app (hypothesis): the answer is a
redirect after a complete save, or the form again with a validation message; never a
500, and a refused submission leaves no row behind (the row count of every table is
unchanged).

The forms are read from the HTML of every page the test data reaches as admin (the IMO,
governance, room-agenda, association and hours data on one world; the hours pages also
as the coach, who alone edits her entries), including the small
forms that post to another, POST-only URL (a meeting's decisions, action items, minutes;
a room's blocks, tariffs and keys; the bank lines ...): one form per endpoint. Each is
posted with two strategies: the form as shown (valid for an edit form) with ONE field
replaced by a hostile or random value (or left out), and every field random at once.
Forms that end or lock what others work on go last. The forms are split over a few
tests (shards), each on a fresh world, so that parallel workers share them.
``HOSTILE_ONLY=<regex>`` runs only the matching endpoints (the examples follow from the
code: derandomized)."""
from __future__ import annotations

import io
import os
import re
import traceback
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.web.form_support import Form, forms, row_counts  # noqa: F401
from tests.web.page_support import page_ids  # noqa: F401
from tests.web.support import fresh_rate_limits  # noqa: F401

HOSTILE = ["", " ", "0", "-1", "1.5", "1,5", "1e309", "NaN", "-0", "2147483648",
           "99999999999999999999", "2026-02-30", "2026-13-01", "0001-01-01", "9999-12-31",
           "31-12-2026", "25:61", "23:59:60", "<script>alert(1)</script>", "' OR 1=1 --",
           "%s%s%n", "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓", "A" * 3000, "on", "y", "ja", "true",
           "2026-W99", "../../etc/passwd", "{{ 7*7 }}", "-99999999", "1.234.567,89",
           "€ 5", "0,001", "\r\n", "\ud7ff",
           # control characters: NUL (PostgreSQL refuses it in text), escape sequences,
           # vertical tab, form feed, the line and paragraph separators, a byte-order mark
           "\x00", "a\x00b", "\x1b[31mrood\x1b[0m", "\x07\x08", "\x0b\x0c",
           "regel\u2028twee\u2029", "\ufeffbom", "\x7f\x85"]


class _Drop:
    def __repr__(self) -> str:
        return "<left out>"


DROP = _Drop()    # the field is left out of the submission
FILES = [(b"", "leeg.csv"), (b"Datum;Bedrag\n2026\r01;5\n", "cr.csv"),
         (b"\x00\xff\xfe" * 50, "rommel.csv"), (b"MZ\x90\x00", "virus.exe"),
         (b"<Document><a>", "kapot.xml")]
#: a refused form shows the message next to its field or above the form, or the error
#: page (a 400 for a tampered request)
MESSAGE = re.compile(r'class="(error|alert alert-error)"|<h1 class="error-title">')
#: success without a redirect: a token shown once (201) or a download
SUCCESS = (201,)
#: endpoints whose 200 answer is no refusal (none so far: every post form saves something)
NO_MESSAGE_NEEDED: set[str] = set()
BASELINE_EXAMPLES, RANDOM_EXAMPLES = 30, 10
#: the forms are shared out over this many tests, which parallel workers run side by side
SHARDS = 6


def _hostile(f) -> st.SearchStrategy:
    if f.kind == "file":
        return st.sampled_from(FILES) | st.tuples(
            st.binary(max_size=300), st.sampled_from(["a.csv", "a.xml", "a.txt", "a"]))
    options = [o for o in f.options if o is not None]
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.just(DROP),
                     *([st.sampled_from(options)] if options else []))


def one_field_replaced(form: Form) -> st.SearchStrategy:
    """The form as shown, with one field hostile or random (or left out)."""
    names = sorted(name for name in form.fields if name != "csrf_token")
    base = form.baseline()
    return st.sampled_from(names).flatmap(
        lambda name: _hostile(form.fields[name]).map(lambda value: {**base, name: value}))


def all_fields_random(form: Form) -> st.SearchStrategy:
    return st.fixed_dictionaries({name: _hostile(f) if name != "csrf_token" else st.just(f.values)
                                  for name, f in form.fields.items()})


def _post_data(data: dict) -> tuple[dict, str | None]:
    out, multipart = {}, False
    for name, value in data.items():
        if value is DROP:
            continue
        if isinstance(value, tuple):
            out[name] = (io.BytesIO(value[0]), value[1])
            multipart = True
        else:
            out[name] = value
    return out, "multipart/form-data" if multipart else None


def check_submission(app, client, endpoint: str, form: Form, data: dict) -> None:
    """Post ``data``; a refusal (no redirect, or a redirect to an error message) leaves
    every table's row count as it was, and an HTML refusal shows a message."""
    with app.app_context():
        before = row_counts()
    body, content_type = _post_data(data)
    response = client.post(form.action, data=body, content_type=content_type)
    status = response.status_code
    assert status < 500, (endpoint, status, data)
    if status in SUCCESS or "attachment" in response.headers.get("Content-Disposition", ""):
        return
    with app.app_context():
        after = row_counts()  # before following a redirect: reading a page may be logged
    if status in (302, 303):
        landing = client.get(urlsplit(response.headers["Location"]).path)
        if 'class="alert alert-error"' not in landing.get_data(as_text=True):
            return  # saved completely
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, (endpoint, status, "rows changed on a refusal", changed, data)
    if status in (200, 400, 422) and "text/html" in response.content_type \
            and endpoint not in NO_MESSAGE_NEEDED:
        assert MESSAGE.search(response.get_data(as_text=True)), \
            (endpoint, status, "refused without a message", data)


def _describe(error: BaseException) -> str:
    """Where an error came from, what it says and what was posted (each of a group)."""
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(_describe(e) for e in error.exceptions)
    notes = [n for n in getattr(error, "__notes__", []) if n.startswith("posted to")]
    return f"{_where(error)}{type(error).__name__}: {str(error)[:600]}\n  " + "\n  ".join(notes)


def _where(error: BaseException) -> str:
    """The innermost frame of the app (or its services) an unexpected error came from."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if "/app/" in f.filename or "/services/" in f.filename]
    return f"{frames[-1].filename.rsplit('/main/', 1)[-1]}:{frames[-1].lineno}: " if frames \
        else ""


def test_the_forms_of_every_area_are_found(forms):
    areas = {endpoint.split(".")[0] for endpoint in forms}
    assert {"admin", "sites", "residents", "imo", "governance", "rooms", "hours",
            "association", "monitoring", "profile", "privacy"} <= areas
    assert len(forms) >= 105, sorted(forms)
    for endpoint in ("governance.add_decision", "governance.add_action", "governance.minutes",
                     "imo.advice", "imo.candidate_status", "rooms.add_block", "rooms.tariffs",
                     "rooms.add_key", "governance.add_member", "governance.add_goal",
                     "association.line_member", "association.upload", "governance.vote",
                     "governance.add_motion", "profile.create_token", "monitoring.resolve",
                     "hours.edit", "rooms.attendance", "association.confirm"):
        assert endpoint in forms, endpoint


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_survives_hostile_input(app, client, login_as, forms, shard):
    """Every SHARDS-th form from ``shard`` on, each shard on a fresh world (so parallel
    workers share the forms out; the terminal forms stay last within a shard)."""
    failures = []
    only = re.compile(os.environ.get("HOSTILE_ONLY", ""))  # e.g. HOSTILE_ONLY=rooms\\.
    mine = list(forms.items())[shard::SHARDS]
    for endpoint, form in mine:
        if not only.search(endpoint):
            continue
        strategies = [(all_fields_random(form), RANDOM_EXAMPLES)]
        if set(form.fields) - {"csrf_token"}:
            strategies.insert(0, (one_field_replaced(form), BASELINE_EXAMPLES))
        for strategy, examples in strategies:
            login_as(form.role)  # a form may have changed the session (e.g. the language)

            @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(data=strategy)
            def post(data):
                try:
                    check_submission(app, client, endpoint, form, data)
                except Exception as error:
                    error.add_note(f"posted to {form.action}: {data!r}"[:2000])
                    raise

            try:
                post()
            except Exception as error:  # noqa: BLE001 - collect every form's finding
                failures.append(f"{endpoint}: {_describe(error)}")
                break
    assert mine, f"shard {shard} of {SHARDS} got no form"
    assert not failures, f"{len(failures)} of {len(mine)} forms:\n\n" + "\n\n".join(failures)
