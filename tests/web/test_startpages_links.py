"""Every link on the signals page and on the start page opens for whoever sees it: the
demo site with its signals, read as every demo account, never answers 403."""
from __future__ import annotations

import re
from datetime import datetime, time, timezone

import pytest

from models import db
from services.monitoring.sweep import sweep
from services.seed import demo
from tests.conftest import TODAY
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, text

DEMO_PASSWORD = "demo-wachtwoord-1"
HREF = re.compile(r'<a\b[^>]*\bhref="(/[^"#]*)')


@pytest.fixture
def demo_site(app):
    with app.app_context():
        demo.seed_demo(db.session, today=TODAY, password=DEMO_PASSWORD)
        sweep(db.session, TODAY, datetime.combine(TODAY, time(6), tzinfo=timezone.utc))
        db.session.commit()
        site_id = db.session.scalar(db.select(demo.Site.id).where(
            demo.Site.name == demo.SITE_NAME))
        db.session.remove()
    return site_id


def links_of(page: str) -> set[str]:
    return {href.replace("&amp;", "&") for href in HREF.findall(main_of(page))}


def page_links(page: str) -> set[str]:
    """Every local link of a page, the menu and footer included."""
    return {href.replace("&amp;", "&") for href in HREF.findall(page)}


@pytest.mark.parametrize("account", demo.demo_accounts(), ids=lambda a: a.role)
def test_no_link_on_the_signals_start_and_dashboard_pages_is_forbidden(
        app, client, auth, demo_site, account):
    """Every link (menu included) of the signals page, the start page and the dashboard
    opens for every demo role: no 403, and no link leads to a server error."""
    assert auth.login(account.email, DEMO_PASSWORD).status_code == 302
    links: set[str] = set()
    for path in (f"/locaties/{demo_site}/signalen", f"/locaties/{demo_site}/mijn-werk",
                 f"/locaties/{demo_site}"):
        page = client.get(path)
        assert page.status_code == 200, path
        links |= page_links(text(page))
    links.discard("/logout")
    answers = {link: client.get(link).status_code for link in sorted(links)}
    forbidden = [link for link, code in answers.items() if code == 403]
    assert not forbidden, f"{account.role} gets 403 on {forbidden}"
    assert not [link for link, code in answers.items() if code >= 500]
    assert f"/locaties/{demo_site}/mijn-werk" in links  # the menu leads to the start page


def test_a_signal_whose_page_is_closed_says_who_acts_on_it(app, client, auth, demo_site):
    """The board's vacancy leads the sociaal beheerder to no board page (only the bestuur
    opens it); the signal names the bestuur instead."""
    assert auth.login("sociaalbeheerder@hofje.example", DEMO_PASSWORD).status_code == 302
    page = main_of(text(client.get(f"/locaties/{demo_site}/signalen")))
    assert "/vereniging/bestuur" not in page
    assert "Wie pakt dit op: de bestuur woonvereniging (Bea Bestuur)." in page
