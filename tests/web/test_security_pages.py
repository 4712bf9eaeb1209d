"""Hardening of the pages: every page satisfies the Content-Security-Policy (no inline
scripts or styles), no open redirect after login or a language switch, request bodies
are limited in size with a Dutch 413 page, and the profile and privacy pages."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import ApiToken, AuditEvent, Resident
from tests.api.support import tokens  # noqa: F401
from tests.conftest import PASSWORD, ROLE_EMAILS
from tests.web.page_support import page_ids, page_urls  # noqa: F401
from tests.web.support import count, fresh_rate_limits, query, text  # noqa: F401

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
# (/healthz and /readyz answer JSON; /readyz's 503 is its answer when a check fails)
NOT_HTML = re.compile(r"(pdf|ics|csv|xlsx|export|feed|afdruk|^/healthz$|^/readyz$)", re.I)


def _csp_problems(html: str) -> list[str]:
    return [p.pattern for p in (INLINE_SCRIPT, STYLE_ATTRIBUTE, INLINE_HANDLER)
            if p.search(html)] + (["<style>"] if re.search(r"<style\b", html, re.I) else [])


def test_no_template_has_inline_scripts_styles_or_handlers():
    for path in TEMPLATES.rglob("*.html"):
        assert _csp_problems(path.read_text()) == [], path


def _get_page(rule) -> bool:
    return "GET" in rule.methods and rule.endpoint != "static" and \
        not rule.rule.startswith("/api/") and not NOT_HTML.search(rule.rule)


def test_every_get_page_as_admin_satisfies_the_csp(app, login_as, page_ids):
    client = login_as("admin")
    checked = 0
    for endpoint, url in page_urls(app, page_ids, _get_page):
        response = client.get(url)
        assert response.status_code < 500, (endpoint, url)
        if "text/html" not in response.content_type:
            continue
        html = text(response)
        assert _csp_problems(html) == [], (endpoint, url)
        assert "Content-Security-Policy" in response.headers
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", " //evil.example", "/%2F%2Fevil.example",
])
def test_no_open_redirect_after_login(client, world, target):
    response = client.post("/login", query_string={"next": target},
                           data={"email": ROLE_EMAILS["bestuur"], "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil.example" not in location.split("?")[0].replace("%2F", "/") or \
        location.startswith("/") and not location.startswith("//")
    assert not location.startswith(("//", "http:", "https:", "javascript:", "\\"))


def test_a_local_next_is_followed(client, world):
    response = client.post("/login", query_string={"next": f"/locaties/{world.site}"},
                           data={"email": ROLE_EMAILS["bestuur"], "password": PASSWORD})
    assert response.headers["Location"] == f"/locaties/{world.site}"


def test_no_open_redirect_after_choosing_a_language(client):
    response = client.post("/taal", data={"lang": "en", "next": "//evil.example/x"})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_large_bodies_get_a_dutch_413(app, login_as, tokens, world):
    client = login_as("sociaal_beheerder")
    before = count(app, ApiToken)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit <= 20 * 2**20
    response = client.post("/profiel/tokens", data={
        "name": "x", "bestand": (io.BytesIO(b"0" * (limit + 1)), "afschrift.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "te groot" in text(response)
    assert count(app, ApiToken) == before
    api = client.post(f"/api/v1/sites/{world.site}/hours/entries",
                      data=b"{" + b" " * (limit + 1) + b"}", content_type="application/json",
                      headers={"Authorization": f"Bearer {tokens['communitycoach']}"})
    assert api.status_code == 413 and api.get_json()["error"]["code"] == "too_large"


def test_profile_tokens_shown_once_and_revoked(app, login_as, world):
    client = login_as("communitycoach")
    assert "U hebt nog geen tokens" in text(client.get("/profiel"))
    made = client.post("/profiel/tokens", data={"name": "Dashboard gemeente"})
    assert made.status_code == 201
    secret = re.search(r'<code class="token">(nbr_[^<]+)</code>', text(made)).group(1)
    def api():
        return client.get("/api/v1/sites", headers={"Authorization": f"Bearer {secret}"})

    assert api().status_code == 200
    page = text(client.get("/profiel"))
    assert secret not in page and "Dashboard gemeente" in page and secret[:10] in page
    token_id = query(app, lambda s: s.scalar(sa.select(ApiToken.id)))
    assert client.post(f"/profiel/tokens/{token_id}/intrekken").status_code == 302
    assert api().status_code == 401
    assert "ingetrokken" in text(client.get("/profiel"))
    # an empty name is refused; someone else's token cannot be revoked
    assert client.post("/profiel/tokens", data={"name": "  "}).status_code == 422
    other = login_as("bestuur")
    assert other.post(f"/profiel/tokens/{token_id}/intrekken").status_code == 404


def test_export_buttons_and_zip_for_the_sociaal_beheerder(app, login_as, world):
    client = login_as("sociaal_beheerder")
    page = text(client.get(f"/locaties/{world.site}/bewoners/{world.residents['linde']}"))
    assert "Gegevens exporteren" in page
    response = client.post(f"/locaties/{world.site}/bewoners/{world.residents['linde']}/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert "Lies Linde" in archive.read("gegevens.json").decode()
    coach = login_as("communitycoach")
    assert "Gegevens exporteren" not in text(
        coach.get(f"/locaties/{world.site}/bewoners/{world.residents['linde']}"))
    assert coach.post(
        f"/locaties/{world.site}/bewoners/{world.residents['linde']}/export").status_code == 403
    assert login_as("admin").post(
        f"/beheer/gebruikers/{world.users['bestuur']}/export").status_code == 200
    coach = login_as("communitycoach")  # (the same test client, logged in again)
    assert coach.post(f"/beheer/gebruikers/{world.users['bestuur']}/export").status_code == 403


def test_resident_pages_with_care_data_are_audited_reads(app, login_as, world):
    path = f"/locaties/{world.site}/bewoners/{world.residents['linde']}"
    login_as("bestuur").get(path)
    assert count(app, AuditEvent, AuditEvent.action == "view_care") == 0
    login_as("begeleider").get(path)
    assert count(app, AuditEvent, AuditEvent.action == "view_care") == 1
    login_as("bestuur").get(f"/locaties/{world.site}/bewoners/")
    assert count(app, AuditEvent, AuditEvent.action == "view_care") == 1
    login_as("begeleider").get(f"/locaties/{world.site}/bewoners/")
    listed = query(app, lambda s: s.scalar(sa.select(AuditEvent.changes).where(
        AuditEvent.action == "view_care", AuditEvent.entity_type == "site")))
    assert listed == {"resident_ids": [world.residents["linde"]]}


def test_privacy_report_dry_run_and_settings(app, login_as, world):
    client = login_as("sociaal_beheerder")
    path = f"/locaties/{world.site}/privacy"
    client.post(f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/vertrek",
                data={"move_out_date": "2024-05-31", "move_out_reason": "Verhuisd"})
    page = text(client.get(path))
    assert "Vera Vrij" in page and "24" in page
    assert client.post(path, data={"resident_months": "0", "candidate_months": "12"}
                       ).status_code == 422
    assert client.post(path, data={"resident_months": "36", "candidate_months": "6"}
                       ).status_code == 302
    assert "Vera Vrij" not in text(client.get(path))  # not due with 36 months
    assert query(app, lambda s: s.get(Resident, world.residents["vrij1"]).name) == "Vera Vrij"
    assert login_as("communitycoach").get(path).status_code == 403


def test_privacy_dry_run_lists_the_records_elsewhere(app, login_as, world):
    from tests.association_fixtures import make_association
    make_association(app, world)    # Vera Vrij has the voorzitter's seat, by name
    client = login_as("sociaal_beheerder")
    client.post(f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/vertrek",
                data={"move_out_date": "2024-05-31", "move_out_reason": "Verhuisd"})
    page = text(client.get(f"/locaties/{world.site}/privacy"))
    assert "Vera Vrij" in page and "zetels in overleggen: naam (1)" in page
    assert query(app, lambda s: s.get(Resident, world.residents["vrij1"]).name) == "Vera Vrij"
