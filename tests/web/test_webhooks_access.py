"""Who may open and use the webhook pages on /koppelingen/, role by role (the same
people as the service accounts), the form's Dutch refusals, and the address checks
that keep deliveries from reaching the installation's own network."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from models import WebhookEndpoint, db
from services.webhooks import endpoints, events
from tests.web.matrix import (ANONYMOUS, COLUMNS, LOGIN, NO, Page, Post, expect, run_page,
                              run_post, uncovered_routes)
from tests.web.support import db_snapshot, fresh_rate_limits, query, text, url_ids  # noqa: F401
from tests.web.webhook_support import make_endpoint

MANAGERS = {"admin", "sociaal_beheerder"}


@pytest.fixture
def ids(app, world):
    found = url_ids(app, world)
    with app.app_context():
        found["webhook"], _secret = make_endpoint(
            app, db.session, org_id=world.orgs["corp"], site_id=world.site,
            url="https://hooks.example.org/noaber", events=[events.MOVED_IN])
        db.session.remove()
    return found


PAGES = [
    Page("new", "/koppelingen/webhooks/nieuw", expect(MANAGERS | {"other_site"})),
    Page("webhook", "/koppelingen/webhooks/{webhook}", expect(MANAGERS)),
    Page("unknown webhook", "/koppelingen/webhooks/999999",
         tuple(LOGIN if r == ANONYMOUS else 404 if r in MANAGERS | {"other_site"} else NO
               for r in COLUMNS)),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_pages(page, ids, client, auth, login_as):
    run_page(page, ids, client, auth, login_as)


def _inactive(s, ids):
    return not s.get(WebhookEndpoint, ids["webhook"]).active


POSTS = [Post("deactivate", "/koppelingen/webhooks/{webhook}/uitzetten", MANAGERS, {},
              _inactive)]


@pytest.mark.parametrize("case", POSTS, ids=[p.id for p in POSTS])
def test_posts(case, app, ids, client, auth, login_as):
    run_post(case, app, ids, client, auth, login_as)


def _form(ids, **changes):
    data = {"name": "Cliëntsysteem", "url": "https://hooks.example.org/nieuw",
            "organisation_id": str(ids["org_corp"]), "events": [events.MOVED_IN],
            "sites": [str(ids["site"])]}
    return {**data, **changes}


@pytest.mark.parametrize("role", [r for r in COLUMNS if r not in MANAGERS])
def test_others_cannot_create_webhooks(role, app, ids, client, auth, login_as):
    if role == ANONYMOUS:
        auth.logout()
    else:
        login_as(role)
    before = db_snapshot(app)
    created = client.post("/koppelingen/webhooks/", data=_form(ids))
    if role == ANONYMOUS:
        assert created.status_code == 302
    elif role == "other_site":   # manages another site: not this corporation or site
        assert created.status_code == 422
    else:
        assert created.status_code == 403
    assert db_snapshot(app) == before


@pytest.mark.parametrize("role", sorted(MANAGERS))
def test_managers_create_and_see_the_secret_once(role, app, ids, login_as):
    client = login_as(role)
    created = client.post("/koppelingen/webhooks/", data=_form(ids))
    assert created.status_code == 201
    page = text(created)
    secret = page.split('<code class="token">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    stored = query(app, lambda s: s.scalar(sa.select(WebhookEndpoint).where(
        WebhookEndpoint.name == "Cliëntsysteem")))
    assert secret not in stored.secret_encrypted
    assert stored.events == [events.MOVED_IN] and stored.active
    again = text(client.get(f"/koppelingen/webhooks/{stored.id}"))
    assert secret not in again and "Kopieer het nu" not in again
    assert "Cliëntsysteem" in text(client.get("/koppelingen/"))


BAD = [
    ("no url", {"url": ""}, "Vul een volledig webadres in"),
    ("not a url", {"url": "hooks.example.org/x"}, "Vul een volledig webadres in"),
    ("spaces", {"url": "https://hooks example.org/"}, "Vul een volledig webadres in"),
    ("not https", {"url": "http://hooks.example.org/x"}, "moet met https:// beginnen"),
    ("ftp", {"url": "ftp://hooks.example.org/x"}, "Vul een volledig webadres in"),
    ("credentials", {"url": "https://user:pw@hooks.example.org/"}, "geen gebruikersnaam"),
    ("no events", {"events": []}, "Kies ten minste één soort gebeurtenis."),
    ("unknown event", {"events": ["resident.deleted"]}, "Kies ten minste één soort"),
    ("no sites", {"sites": []}, "Kies ten minste één locatie."),
    ("other site", {"sites": ["999999"]}, "alleen locaties kiezen die u beheert"),
    ("no name", {"name": ""}, "Geef de webhook een naam"),
    ("no organisation", {"organisation_id": ""}, "Kies een organisatie."),
]


@pytest.mark.parametrize("case,changes,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_in_dutch(case, changes, message, app, ids, login_as):
    client = login_as("sociaal_beheerder")
    before = db_snapshot(app)
    response = client.post("/koppelingen/webhooks/", data=_form(ids, **changes))
    assert response.status_code == 422
    assert message in text(response)
    assert db_snapshot(app) == before


INTERNAL = [
    ("loopback", "https://127.0.0.1:8443/hook", None),
    ("localhost over http", "http://localhost:8080/hook", None),
    ("private ip", "https://10.0.0.7/hook", None),
    ("ipv6 loopback", "https://[::1]/hook", None),
    ("name of a private address", "https://intern.example.org/hook", "192.168.1.20"),
    ("cloud metadata", "https://metadata.example.org/latest", "169.254.169.254"),
]


@pytest.mark.parametrize("case,url,resolves_to", INTERNAL, ids=[i[0] for i in INTERNAL])
def test_addresses_inside_the_network_are_refused_in_production(
        case, url, resolves_to, app, ids, login_as, monkeypatch):
    """The attack: a manager (or a stolen manager's session) points a webhook at the
    installation's own network to make Noaber call it. Refused unless allowed."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOCAL", False)
    real = endpoints.socket.getaddrinfo
    monkeypatch.setattr(endpoints.socket, "getaddrinfo", lambda host, port, **kw: (
        [(2, 1, 6, "", (resolves_to, port))] if resolves_to else real(host, port, **kw)))
    client = login_as("admin")
    before = db_snapshot(app)
    response = client.post("/koppelingen/webhooks/", data=_form(ids, url=url))
    assert response.status_code == 422
    page = text(response)
    assert "intern netwerk" in page or "moet met https:// beginnen" in page
    assert db_snapshot(app) == before


def test_a_public_address_is_accepted_in_production(app, ids, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOCAL", False)
    monkeypatch.setattr(endpoints.socket, "getaddrinfo", lambda host, port, **kw: [
        (2, 1, 6, "", ("93.184.215.14", port))])
    response = login_as("admin").post("/koppelingen/webhooks/", data=_form(ids))
    assert response.status_code == 201


def test_local_receivers_are_allowed_by_the_setting(app, ids, login_as):
    """The tests' configuration (like debug or WEBHOOK_ALLOW_LOCAL=1) allows
    http://127.0.0.1 and http://localhost; never http:// to another host."""
    client = login_as("admin")
    assert client.post("/koppelingen/webhooks/", data=_form(
        ids, url="http://127.0.0.1:9000/hook")).status_code == 201
    assert client.post("/koppelingen/webhooks/", data=_form(
        ids, name="Ander", url="http://10.0.0.7/hook")).status_code == 422


def test_every_webhook_route_is_in_a_table(app, ids):
    requests = ([("GET", p.url) for p in PAGES] + [("POST", p.url) for p in POSTS]
                + [("POST", "/koppelingen/webhooks/")])
    left = uncovered_routes(app, ids, "service_accounts.", requests)
    assert {endpoint for endpoint, _method in left if "webhook" in endpoint} == set()
