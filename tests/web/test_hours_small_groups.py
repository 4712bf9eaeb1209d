"""The report page withholds a small group's 10% norm from aggregate roles (see
tests/services/test_hours_small_groups.py for the rule): one client per care
organisation in the world, so the kerngroep sees the hours only."""
import re

import pytest

from tests.hours_fixtures import hours_world
from tests.web.support import fresh_rate_limits, text  # noqa: F401

MAY = "soort=maand&periode=2026-05"
FACTS = "geïndiceerde uren per week"
EXPLAINED = "minder dan 3 bewoners"
WITHHELD = '<span class="muted">niet getoond</span>'  # a norm cell


@pytest.fixture
def ids(app, world):
    return hours_world(app, world)


def care_sections(page: str) -> list[str]:
    return re.findall(r'<section aria-labelledby="h-care-\d+">.*?</section>', page, re.S)


def test_kerngroep_sees_hours_but_no_small_groups_norm_or_status(login_as, world, ids):
    sb = text(login_as("sociaal_beheerder").get(f"/locaties/{world.site}/uren/rapport?{MAY}"))
    assert FACTS in sb and EXPLAINED not in sb and "niet getoond" not in sb
    page = text(login_as("kerngroep").get(f"/locaties/{world.site}/uren/rapport?{MAY}"))
    sections = care_sections(page)
    assert len(sections) == 2 and FACTS not in page
    for section in sections:
        assert EXPLAINED in section
        # rows of the weeks of May and the total: each norm and status cell withheld
        assert section.count(WITHHELD) == section.count("<tr") - 1 > 1
        assert section.count("badge-hours-withheld") == section.count(WITHHELD)
        assert not re.search(r"badge-hours-(under|within|over)", section)
    # the two totals that would give the norm away by subtraction, and both organisations
    assert "De norm en de status voor begeleiders en voor het totaal worden niet getoond" in page
    assert page.count(WITHHELD) == sum(s.count(WITHHELD) for s in sections) + 4
    # the norms of the care sections as the sociaal beheerder sees them appear nowhere
    norm_cells = {cell for section in care_sections(sb) for cell in re.findall(
        r'<td class="num">(\d+,\d\d(?: – \d+,\d\d)?)</td>\s*<td><span class="badge', section)}
    assert norm_cells and not any(f">{cell}<" in page for cell in norm_cells)
