"""Who opens the start page ("Mijn werk"), the help pages and what the 403 page says;
the menu: five items up front, the current page marked, the profile reachable."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import ALL_ROLES
from tests.web.matrix import COLUMNS, LOGIN, NF, NO, OK, Go, Page, run_page
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import main_of, strip_tags, text, url_ids

START = Go("/locaties/{site}/mijn-werk")
PAGES = [
    # columns:  admin sb    coach begel bestuur kern stuur other none  anonymous
    Page("after login", "/mijn-werk",
         (OK, START, START, START, START, START, START,
          Go("/locaties/{other_site}/mijn-werk"), OK, LOGIN)),
    Page("start page", "/locaties/{site}/mijn-werk",
         (OK, OK, OK, OK, OK, OK, OK, NO, NO, LOGIN)),
    Page("start page of an unknown site", "/locaties/999999/mijn-werk",
         (NF, NF, NF, NF, NF, NF, NF, NF, NF, LOGIN)),
    Page("help", "/hulp/", (OK,) * len(COLUMNS)),
    Page("a guide", "/hulp/penningmeester", (OK,) * len(COLUMNS)),
    Page("an unknown guide", "/hulp/onbekend", (NF,) * len(COLUMNS)),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.id for p in PAGES])
def test_access(page, app, client, auth, login_as, world):
    run_page(page, url_ids(app, world), client, auth, login_as)


def test_login_leads_to_the_start_page(client, auth, world):
    response = auth.login("coach@hofje.example")
    assert response.headers["Location"].endswith("/mijn-werk")
    response = client.get("/mijn-werk")
    assert response.headers["Location"].endswith(f"/locaties/{world.site}/mijn-werk")


SECTION_HEADINGS = {
    "admin": ["IMO en leegstand"],
    "sociaal_beheerder": ["IMO en leegstand"],
    "communitycoach": ["Uren en de coachnorm"],
    "begeleider": ["De 10%-inzet van uw organisatie"],
    "bestuur": ["De ruimte deze week", "Te doen voor de vereniging"],
    "kerngroep": ["Stand van zaken"],
    "stuurgroep": ["Stand van zaken"],
}
ALL_SECTIONS = {h for headings in SECTION_HEADINGS.values() for h in headings}


@pytest.mark.parametrize("role", list(SECTION_HEADINGS))
def test_each_role_gets_its_own_start_page(role, client, login_as, world):
    login_as(role)
    page = main_of(text(client.get(f"/locaties/{world.site}/mijn-werk")))
    headings = {strip_tags(h) for h in re.findall(r"<h2[^>]*>(.*?)(?:<span|</h2>)", page,
                                                   re.S)}
    own = set(SECTION_HEADINGS[role])
    assert own <= headings, (role, headings)
    assert not (ALL_SECTIONS - own) & headings, (role, headings)


def test_empty_start_pages_say_what_to_do_first(client, login_as, world):
    """The small world has no hours, bookings or meetings: each section says what to do."""
    login_as("communitycoach")
    coach = main_of(text(client.get(f"/locaties/{world.site}/mijn-werk")))
    assert "U hebt deze maand nog geen coachuren geschreven." in strip_tags(coach)
    login_as("bestuur")
    bestuur = strip_tags(main_of(text(client.get(f"/locaties/{world.site}/mijn-werk"))))
    assert "Deze week staat er nog niets in de agenda van de ruimte." in bestuur
    login_as("kerngroep")
    kern = strip_tags(main_of(text(client.get(f"/locaties/{world.site}/mijn-werk"))))
    assert "Er is nog geen kerngroep of stuurgroep vastgelegd." in kern


def test_stand_van_zaken_shows_the_published_mix_only(client, login_as, world):
    """The kerngroep sees the published mix: the small world (4 residents) is below the
    smallest published cell, so the begeleid count is withheld, never the exact 2."""
    login_as("kerngroep")
    page = strip_tags(main_of(text(client.get(f"/locaties/{world.site}/mijn-werk"))))
    assert "Begeleid niet getoond" in page
    assert "2 (50" not in page
    login_as("sociaal_beheerder")
    # the sociaal beheerder's start page has no stand van zaken; the dashboard is exact
    assert "Stand van zaken" not in text(client.get(f"/locaties/{world.site}/mijn-werk"))


def test_forbidden_page_keeps_the_menu_and_says_whom_to_ask(client, login_as, world):
    login_as("kerngroep")
    response = client.get(f"/locaties/{world.site}/bewoners/")
    assert response.status_code == 403
    page = text(response)
    assert "Foutmelding 403" not in page
    main = strip_tags(main_of(page))
    assert "Op Het Hofje bent u kerngroep." in main
    assert "Vraag het de sociaal beheerder (Test sociaal_beheerder)" in main
    nav = page.split("<main", 1)[0]
    assert f'href="/locaties/{world.site}/mijn-werk"' in nav  # the site's menu is kept


def _menu(page: str) -> tuple[list[str], list[str]]:
    nav = re.search(r'<nav aria-label="Hoofdmenu".*?</nav>', page, re.S).group(0)
    front = re.search(r'<ul class="front">(.*?)</ul>', nav, re.S).group(1)
    more = re.search(r"<details class=\"more\">(.*?)</details>", nav, re.S).group(1)
    return ([strip_tags(a) for a in re.findall(r"<a [^>]*>(.*?)</a>", front, re.S)],
            [strip_tags(a) for a in re.findall(r"<a [^>]*>(.*?)</a>", more, re.S)])


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "none"])
def test_menu_has_five_items_up_front_and_the_profile(role, client, login_as, world):
    login_as(role)
    page = text(client.get("/mijn-werk", follow_redirects=True))
    front, more = _menu(page)
    assert 1 <= len(front) <= 5, front
    assert front[0] == "Mijn werk"
    assert any(item.startswith("Mijn profiel") for item in more)
    assert 'aria-current="page"' in page.split("<main", 1)[0]
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current and all(link.endswith("/mijn-werk") for link in current), current


def test_language_switch_is_a_small_link_in_the_footer(client, login_as, world):
    login_as("communitycoach")
    footer = text(client.get(f"/locaties/{world.site}/mijn-werk")).split("<footer>", 1)[1]
    assert re.search(r'<button type="submit" name="lang" value="en" class="link"', footer)
    assert "Nederlands" not in footer  # only the other language is offered
    assert 'href="/hulp/"' in footer


def test_the_hour_form_shows_the_coachs_week_against_the_norm(app, client, login_as, world):
    from models import db
    from tests.hours_fixtures import grow, log

    with app.app_context():
        from models import Site
        grow(db.session, db.session.get(Site, world.site), 72)  # 8 hours a week
        log(db.session, db.session.get(Site, world.site), "communitycoach",
            date(2026, 6, 15), 42, "communitycoach")
        db.session.commit()
    login_as("communitycoach")
    for path in (f"/locaties/{world.site}/uren/nieuw", f"/locaties/{world.site}/mijn-werk"):
        bar = re.search(r'<div class="norm-bar[^"]*" id="norm-bar">(.*?)</div>',
                        text(client.get(path)), re.S)
        assert bar, path
        assert "Deze week 10,5 van 8 uur · boven de norm" in strip_tags(bar.group(1))
    login_as("sociaal_beheerder")  # logs hours too, but the coach norm is not theirs
    assert 'id="norm-bar"' not in text(client.get(f"/locaties/{world.site}/uren/nieuw"))


def test_the_week_form_shows_the_shown_week_against_the_norm(app, client, login_as, world):
    """A coach filling in a whole week sees that week against the coach norm: the running
    week as "Deze week …", a week gone by named and judged whole."""
    from models import Site, db
    from tests.hours_fixtures import grow, log

    with app.app_context():
        site = db.session.get(Site, world.site)
        grow(db.session, site, 72)  # 8 hours a week
        log(db.session, site, "communitycoach", date(2026, 6, 15), 42, "communitycoach")
        log(db.session, site, "communitycoach", date(2026, 6, 9), 16, "communitycoach")
        db.session.commit()
    login_as("communitycoach")

    def bar(path):
        found = re.search(r'<div class="norm-bar[^"]*" id="norm-bar">(.*?)</div>',
                          text(client.get(path)), re.S)
        return strip_tags(found.group(1)) if found else None

    week = f"/locaties/{world.site}/uren/week"
    assert "Deze week 10,5 van 8 uur · boven de norm" in bar(week)
    assert "Week 24 (8–14 jun 2026): 4 van 8 uur · onder de norm" in bar(week + "?week=2026-W24")
    assert bar(week + "?week=2026-W26") is None  # a week still to come has no figures
    # the day's fields show their own name; the day is in the legend and read out
    page = text(client.get(week + "?week=2026-W24"))
    assert re.search(r'<label for="rows-0-duration">Uren<span class="sr-only"> op maandag '
                     r'8 juni</span></label>', page)
    login_as("sociaal_beheerder")  # logs hours too, but the coach norm is not theirs
    page = text(client.get(week))
    assert 'id="norm-bar"' not in page and "Deze week geschreven: " in page


def test_the_bestuur_books_the_room_from_its_start_page_and_the_week(app, client, login_as,
                                                                     world):
    """The start page and the week of all rooms lead straight to booking each room and to
    its free times."""
    from models import Site, db
    from tests.rooms_fixtures import make_room

    with app.app_context():
        site = db.session.get(Site, world.site)
        rooms = [make_room(db.session, site), make_room(db.session, site, "Tuinkamer")]
        db.session.commit()
        wanted = {(f"/locaties/{world.site}/ruimte/{r.id}/boeken", f"{r.name} boeken")
                  for r in rooms}
        db.session.remove()
    login_as("bestuur")
    for path in (f"/locaties/{world.site}/mijn-werk", f"/locaties/{world.site}/ruimte/week"):
        main = main_of(text(client.get(path)))
        found = {(href, strip_tags(label)) for href, label in
                 re.findall(r'<a href="([^"]+)">(.*?)</a>', main, re.S)}
        assert wanted <= found, path
    for href, _label in wanted:
        assert client.get(href).status_code == 200
