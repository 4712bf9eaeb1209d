"""The import pages: upload, dry run, remap, confirm, the list and the templates; who may
use them (role by role); a file over the limit; nothing saved before confirming."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import ImportFile, Resident, Unit
from services.imports import files
from tests.web.matrix import (ANONYMOUS, COLUMNS, LOGIN, NF, NO, Page, Post, expect,
                              run_page, run_post)
from tests.web.support import (count, db_snapshot, fresh_rate_limits, is_login_redirect,  # noqa: F401
                               query, text, url_ids)

DATA = Path(__file__).resolve().parent.parent / "data"
MANAGERS = {"admin", "sociaal_beheerder"}
I = "/locaties/{site}/import"
CSV = ("VHE;Huurder;Ingangsdatum contract;Woningtype\r\n"
       "A3;Nieuwe Bewoner;01-05-2026;studio\r\n"
       "C1;;;studio\r\n").encode()


def pending(app, site_id: int, content: bytes = CSV, kind: str = "registry") -> str:
    def make(session):
        from models import Site
        row = files.upload(session, session.get(Site, site_id), kind, file_name="export.csv",
                           content=content, actor_id=None)
        session.commit()
        return row.file_hash

    return query(app, make)


@pytest.fixture
def ids(app, world):
    found = url_ids(app, world)
    found["digest"] = pending(app, world.site)
    found["other_digest"] = pending(app, world.other_site, CSV + b"X1;;;studio\r\n")
    return found


PAGES = [
    Page("imports", I + "/", expect(MANAGERS)),
    Page("dry run", I + "/{digest}", expect(MANAGERS)),
    Page("another site's upload", I + "/{other_digest}", expect(MANAGERS, NF)),
    Page("not a hash", I + "/abc", expect(MANAGERS, NF)),
    Page("template xlsx", I + "/sjabloon/registry.xlsx", expect(MANAGERS)),
    Page("template csv", I + "/sjabloon/members.csv", expect(MANAGERS)),
    Page("unknown template", I + "/sjabloon/other.csv", expect(MANAGERS, NF)),
    Page("other site's imports", "/locaties/{other_site}/import/",
         tuple(LOGIN if r == ANONYMOUS else 200 if r in ("admin", "other_site") else NO
               for r in COLUMNS)),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_pages(page, ids, client, auth, login_as):
    run_page(page, ids, client, auth, login_as)


def _units(s, ids):
    return s.scalar(sa.select(sa.func.count()).select_from(Unit))


def _mapping(s, ids):
    return s.scalar(sa.select(ImportFile.mapping).where(ImportFile.file_hash == ids["digest"]))


POSTS = [
    Post("confirm", I + "/{digest}/bevestigen", MANAGERS, {}, _units),
    Post("remap", I + "/{digest}", MANAGERS, {"col0": "unit", "col1": "name", "col2": "move_in",
                                              "col3": ""}, _mapping),
]


@pytest.mark.parametrize("case", POSTS, ids=[p.id for p in POSTS])
def test_posts(case, app, ids, client, auth, login_as):
    run_post(case, app, ids, client, auth, login_as)


def test_upload_is_refused_for_other_roles(app, world, client, auth, login_as):
    for role in COLUMNS:
        if role in MANAGERS:
            continue
        if role == ANONYMOUS:
            auth.logout()
        else:
            login_as(role)
        before = db_snapshot(app)
        response = client.post(f"/locaties/{world.site}/import/", data={
            "kind": "registry", "file": (io.BytesIO(CSV), "export.csv")},
            content_type="multipart/form-data")
        assert is_login_redirect(response) if role == ANONYMOUS else \
            response.status_code == NO, role
        assert db_snapshot(app) == before


def test_upload_dry_run_and_confirm(app, world, login_as):
    client = login_as("sociaal_beheerder")
    response = client.post(f"/locaties/{world.site}/import/", data={
        "kind": "registry", "file": (io.BytesIO(CSV), "export.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Er is nog niets opgeslagen" in page
    assert "Arie Anker vertrekt per 01-05-2026." not in page      # A3 was vacant
    assert "Nieuwe Bewoner komt wonen in A3 per 01-05-2026." in page
    assert "Nieuwe wooneenheid C1 (studio)." in page
    assert count(app, Resident, Resident.name == "Nieuwe Bewoner") == 0
    digest = response.headers["Location"].rsplit("/", 1)[-1]
    done = client.post(f"/locaties/{world.site}/import/{digest}/bevestigen")
    assert done.status_code == 302
    listing = text(client.get(f"/locaties/{world.site}/import/"))
    assert "Ingelezen: 2 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 geweigerd." in listing
    assert digest[:12] in listing and "Test sociaal_beheerder" in listing
    assert count(app, Resident, Resident.name == "Nieuwe Bewoner") == 1
    # the confirmed file is gone: its dry run no longer exists
    assert client.get(f"/locaties/{world.site}/import/{digest}").status_code == 404


def test_a_file_of_10_mb_is_refused_with_a_message(app, world, login_as):
    client = login_as("sociaal_beheerder")
    big = b"VHE;Huurder\r\n" + b"A1;" + b"x" * (10 * 2**20) + b"\r\n"
    response = client.post(f"/locaties/{world.site}/import/", data={
        "kind": "registry", "file": (io.BytesIO(big), "groot.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Het bestand of formulier is te groot. Een bestand mag hoogstens 5 MB zijn." \
        in text(response)
    assert count(app, ImportFile) == 0


def test_an_unreadable_file_is_refused(app, world, login_as):
    client = login_as("sociaal_beheerder")
    response = client.post(f"/locaties/{world.site}/import/", data={
        "kind": "registry", "file": (io.BytesIO(b"PK\x03\x04kapot"), "kapot.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Dit bestand kan niet worden gelezen" in text(response)


def test_a_mapping_without_unit_column_shows_why(app, world, login_as):
    client = login_as("sociaal_beheerder")
    digest = pending(app, world.site)
    client.post(f"/locaties/{world.site}/import/{digest}", data={"col0": "", "col1": "name"})
    page = client.get(f"/locaties/{world.site}/import/{digest}")
    assert page.status_code == 422
    assert "Koppel een kolom aan &#39;Eenheidnummer&#39;" in page.get_data(as_text=True) or \
        "Koppel een kolom aan 'Eenheidnummer'" in text(page)


def test_members_cannot_be_imported_without_an_association(app, world, login_as):
    client = login_as("other_site")
    response = client.post(f"/locaties/{world.other_site}/import/", data={
        "kind": "members", "file": (io.BytesIO(b"VHE;Lid sinds\r\nX1;01-01-2025\r\n"),
                                    "leden.csv")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert count(app, ImportFile) == 0


def test_template_is_readable_by_the_import(app, world, login_as):
    client = login_as("sociaal_beheerder")
    content = client.get(f"/locaties/{world.site}/import/sjabloon/registry.xlsx").data
    table = files.read_table("t.xlsx", content)
    assert table.headers[:2] == ["Eenheidnummer", "Deel"]


def test_two_confirmations_at_once_import_once(app, world):
    """A double click: two requests confirm the same upload side by side; the row lock
    makes the second wait and then find it confirmed (on SQLite the writers queue)."""
    import threading

    digest = pending(app, world.site)
    statuses = []

    def confirm():
        client = app.test_client()
        client.post("/login", data={"email": "sb@hofje.example",
                                    "password": "correct horse battery"})
        statuses.append(client.post(
            f"/locaties/{world.site}/import/{digest}/bevestigen").status_code)

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302, 302]
    assert count(app, Resident, Resident.name == "Nieuwe Bewoner") == 1
    assert count(app, ImportFile, ImportFile.confirmed_at.is_not(None)) == 1
