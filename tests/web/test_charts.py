"""The server-rendered charts: they scale with their column (a viewBox, no fixed width),
the mix trend's axis ends at 60%, and each chart's text alternative holds the numbers of
the table beside it -- for a role that may not see care data per person the published
figures, exactly those its tables show."""
from __future__ import annotations

import re
import pytest

from tests.association_fixtures import make_association
from tests.hours_fixtures import hours_world
from tests.rooms_fixtures import rooms_world
from tests.web.support import fresh_rate_limits, main_of, strip_tags, text  # noqa: F401

PERCENT = re.compile(r"\d+,\d%")


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.S)


def desc(svg: str) -> str:
    return strip_tags(re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1))


def history_table(page: str) -> list[list[str]]:
    table = re.search(r'<details id="mix-history-table">(.*?)</details>', page, re.S).group(1)
    return [[strip_tags(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


@pytest.mark.parametrize("role", ["sociaal_beheerder", "kerngroep"])
def test_the_mix_trend_scales_ends_at_60_percent_and_says_its_numbers(login_as, world, role):
    page = main_of(text(login_as(role).get(f"/locaties/{world.site}")))
    charts = svgs(page)
    assert charts and all(re.match(r'<svg viewBox="0 0 \d+ \d+"', c) for c in charts)
    assert not [c for c in charts if re.search(r'<svg[^>]*\swidth=', c)]
    trend = next(c for c in charts if 'id="hist-title"' in c)
    axis = re.findall(r'<text x="0" y="[\d.]+" class="label">(\d+)%</text>', trend)
    assert axis == ["0", "20", "40", "60"]
    rows = history_table(page)
    shown = sorted({r[3] for r in rows if PERCENT.fullmatch(r[3])})
    said = sorted(set(PERCENT.findall(desc(trend))))
    assert said == shown  # the same figures as the table, no others
    if role == "kerngroep":  # published figures: four residents are too few to show
        assert not said and desc(trend) == "Geen cijfers om te tonen."
        assert all(r[2] == "niet getoond" for r in rows)
    else:
        assert shown == ["50,0%"]


def test_each_part_has_its_trend_and_its_column_in_the_table(login_as, world):
    page = main_of(text(login_as("sociaal_beheerder").get(f"/locaties/{world.site}")))
    parts = [c for c in svgs(page) if re.search(r'id="part-\d+-title"', c)]
    assert len(parts) == 2  # Blok A and Blok B
    rows = history_table(page)
    for i, chart in enumerate(parts):
        column = sorted({r[5 + i] for r in rows if PERCENT.fullmatch(r[5 + i])})
        assert sorted(set(PERCENT.findall(desc(chart)))) == column


def test_the_care_10_percent_has_a_chart_with_the_tables_hours(app, login_as, world):
    hours_world(app, world)
    page = main_of(text(login_as("sociaal_beheerder").get(
        f"/locaties/{world.site}/uren/rapport?soort=maand&periode=2026-05")))
    care = [c for c in svgs(page) if re.search(r'id="care-\d+-title"', c)]
    assert care
    said = desc(care[0])
    section = page[page.index(care[0]) - 4000:page.index(care[0])]
    weeks = re.findall(r'<tr><th scope="row">(week \d+)[^<]*</th><td class="num">([^<]+)</td>',
                       section)
    assert weeks
    for week, logged in weeks:
        assert f"wk {week.split()[1]}: {logged} uur" in said


def test_room_usage_and_budgets_have_charts_with_their_figures(app, login_as, world):
    rooms_world(app, world)
    usage = main_of(text(login_as("bestuur").get(f"/locaties/{world.site}/ruimte/gebruik")))
    chart = next(c for c in svgs(usage) if 'id="usage-' in c)
    assert re.match(r'<svg viewBox="0 0 \d+ \d+"', chart) and 'class="target"' in chart
    weekly = re.search(r"<caption[^>]*>Per week</caption>(.*?)</table>", usage, re.S).group(1)
    shares = [strip_tags(c) for c in re.findall(r'<td class="num">(.*?)</td>', weekly)][2::4]
    assert shares and [s for s in shares if s in desc(chart)] == shares

    make_association(app, world)  # a 2025 budget of € 600 with spending on it
    page = main_of(text(login_as("bestuur").get(
        f"/locaties/{world.site}/vereniging/begrotingen?jaar=2025")))
    chart = next(c for c in svgs(page) if 'id="budgets-title"' in c)
    table = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    for name, budgeted, spent in re.findall(
            r'<th scope="row">(.*?)</th><td class="num">(.*?)</td><td class="num">(.*?)</td>',
            table):
        assert f"{strip_tags(name)}: {strip_tags(spent)} van {strip_tags(budgeted)}" in desc(chart)
