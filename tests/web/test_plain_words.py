"""Plain words instead of jargon and machine formats: the templates hold none of the old
strings, and the pages show weeks, months and errors in words (no "2026-W25" outside a
link, no "Foutmelding 404")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.hours_fixtures import hours_world
from tests.web.support import fresh_rate_limits, main_of, text  # noqa: F401 (autouse)

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
JARGON = ["(en)", "Foutmelding", "Naar de pagina waar u hier iets mee doet", "marge %",
          "minuten per keer", r"re:\b[Gg]elogd\b", "Welke (2026", "-W23", "2026-05, 2026-Q2",
          "Controle per datum"]
WEEK_CODE = re.compile(r"\b20\d\d-W\d\d\b")


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("jargon", JARGON)
def test_no_template_holds_the_old_jargon(jargon):
    """(``re:`` marks a pattern: "gelogd" for hours, not "ingelogd")"""
    def holds(source: str) -> bool:
        return bool(re.search(jargon[3:], source)) if jargon.startswith("re:") \
            else jargon in source
    assert [str(p.relative_to(TEMPLATES)) for p in templates() if holds(p.read_text())] == []


def test_no_template_writes_a_period_code_as_text():
    found = []
    for path in templates():
        for expression in re.findall(r"\{\{(.*?)\}\}", path.read_text(), re.S):
            if ".code" in expression and "url_for" not in expression and \
                    re.search(r"\b(period|week)\.code\b", expression):
                found.append(f"{path.relative_to(TEMPLATES)}: {expression.strip()}")
    assert found == []


def visible(page: str) -> str:
    """The page's main text without its links' and forms' attributes."""
    return re.sub(r"<[^>]+>", " ", main_of(page))


@pytest.mark.parametrize("path, words", [
    ("/uren/week?week=2026-W25", "Week 25 (15–21 jun 2026)"),
    ("/uren/rapport?soort=week&periode=2026-W23", "week 23 (1–7 jun 2026)"),
    ("/uren/rapport?soort=maand&datum=2026-05-20", "mei 2026"),
    ("/ruimte/week?week=2026-W53", "week 53 (28 dec 2026 – 3 jan 2027)"),
])
def test_pages_name_weeks_and_months_in_words(app, login_as, world, path, words):
    hours_world(app, world)
    page = text(login_as("sociaal_beheerder").get(f"/locaties/{world.site}{path}"))
    assert words in visible(page)
    assert not WEEK_CODE.search(visible(page))


def test_the_report_picks_its_period_by_a_day_and_offers_the_neighbours(app, login_as, world):
    page = text(login_as("sociaal_beheerder").get(
        f"/locaties/{world.site}/uren/rapport?soort=kwartaal&datum=2026-05-20"))
    assert "2e kwartaal 2026 (apr–jun)" in visible(page)
    assert "Vorige: 1e kwartaal 2026 (jan–mrt)" in visible(page)
    assert 'type="date" id="datum" name="datum" value="2026-04-01"' in page
    assert 'name="periode"' not in main_of(page).split("</nav>", 1)[1].split("</form>")[0]


def test_an_error_page_says_what_happened_in_words(client, login_as, world):
    page = text(login_as("kerngroep").get("/bestaat-niet"))
    assert re.search(r'<h1 class="error-title">Deze pagina bestaat niet</h1>', page)
    assert "Foutmelding" not in page and "404" not in visible(page)
