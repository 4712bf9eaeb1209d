"""A room's week as a time grid: the bookings stand in their rows and day columns, the
blocked and free time beside them, as a list per day for a phone; previous and next week;
linked from the room's page. (Who may open it: tests/web/test_rooms_access.py.)"""
from __future__ import annotations

import re

import pytest

from tests.rooms_fixtures import rooms_world
from tests.web.support import fresh_rate_limits, main_of, strip_tags, text  # noqa: F401

WEEK = "2026-W26"  # Monday 22 - Sunday 28 June 2026


@pytest.fixture
def ids(app, world):
    return rooms_world(app, world)


@pytest.fixture
def page(login_as, world, ids):
    response = login_as("kerngroep").get(
        f"/locaties/{world.site}/ruimte/{ids.room}/rooster?week={WEEK}")
    assert response.status_code == 200
    return main_of(text(response))


def placed(page: str) -> dict[str, tuple[str, str, int]]:
    """Where each cell of the time grid stands: its text -> (row time, day, rows)."""
    table = re.search(r'<table class="time-grid">(.*?)</table>', page, re.S).group(1)
    days = [strip_tags(h) for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table)][1:]
    covered: dict[tuple[int, int], bool] = {}
    found = {}
    for r, row in enumerate(re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)):
        when = strip_tags(re.search(r'<th scope="row"[^>]*>(.*?)</th>', row).group(1))
        column = 0
        for attrs, body in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S):
            while covered.get((r, column)):
                column += 1
            rows = int(re.search(r'rowspan="(\d+)"', attrs).group(1)) if "rowspan" in attrs else 1
            for i in range(rows):
                covered[(r + i, column)] = True
            found.setdefault(strip_tags(body), (when, days[column], rows))
            column += 1
    return found


def day_list(page: str, day: str) -> list[str]:
    block = re.search(rf'<h2 class="day-title">{day}</h2>(.*?)</ul>', page, re.S).group(1)
    return [strip_tags(li) for li in re.findall(r'<li class="span-[a-z]+">(.*?)</li>', block, re.S)]


def test_bookings_stand_in_their_rows_and_day_columns(page):
    cells = placed(page)
    assert cells["Koffieochtend 10:00–12:00"] == ("10:00", "do 25 jun", 4)
    assert cells["Energieavond aangevraagd 19:00–21:00"] == ("19:00", "wo 24 jun", 4)
    assert cells["Geblokkeerd: schoonmaak"] == ("09:00", "ma 22 jun", 6)
    assert not [c for c in cells if "Spelletjesavond" in c]  # 25 June was skipped
    assert not [c for c in cells if c.startswith("Overleg")]  # cancelled


def test_the_day_list_names_the_free_time(page):
    assert day_list(page, "maandag 22 juni") == [
        "09:00–12:00 Geblokkeerd: schoonmaak",
        "12:00–22:00 vrij Boeken maandag 22 juni 12:00–22:00"]
    assert day_list(page, "donderdag 25 juni") == [
        "09:00–10:00 vrij Boeken donderdag 25 juni 09:00–10:00", "10:00–12:00 Koffieochtend",
        "12:00–22:00 vrij Boeken donderdag 25 juni 12:00–22:00"]


def test_free_time_links_to_the_booking_form_with_its_times(page, login_as, world, ids):
    link = re.search(r'href="([^"]*boeken\?datum=2026-06-25&amp;van=12:00&amp;tot=22:00)"', page)
    assert link
    form = text(login_as("kerngroep").get(link.group(1).replace("&amp;", "&")))
    assert 'value="2026-06-25"' in form and 'value="12:00"' in form and 'value="22:00"' in form


def test_previous_and_next_week_and_the_link_from_the_room_page(page, login_as, world, ids):
    assert f"rooster?week=2026-W25" in page and f"rooster?week=2026-W27" in page
    assert "week 26 (22–28 jun 2026)" in page
    room_page = text(login_as("kerngroep").get(f"/locaties/{world.site}/ruimte/{ids.room}"))
    assert f"/ruimte/{ids.room}/rooster" in main_of(room_page)
