"""Meeting cadence per body (seed 004 "3. Samenwerking - governance"): services/governance/cadence.py.

The project of these tables started on 15 April 2024 (like the demo site seen on the
tests' TODAY, 15 June 2026): 2024 and 2025 count as the first two project years
(1 July falls in project year 1 and 2), 2026 does not.
"""
from datetime import date

import pytest

from services.governance.cadence import (BEHIND, NO_NORM, NOTHING_PLANNED, ON_TRACK, Window,
                                         assess, first_years, norm_for, windows)

START = date(2024, 4, 15)
D = date


@pytest.mark.parametrize("year,expected", [(2024, True), (2025, True), (2026, False),
                                           (2027, False)])
def test_first_two_project_years_by_1_july(year, expected):
    assert first_years(year, START) is expected


@pytest.mark.parametrize("kind,year,alv,norm", [
    ("stuurgroep", 2025, 1, (2, 2, 0)),
    ("stuurgroep", 2026, 1, (1, 1, 0)),
    ("kerngroep", 2026, 1, (4, 4, 0)),
    ("communityteam", 2026, 1, (12, 10, 2)),
    ("alv", 2026, 1, (1, 1, 0)),
    ("alv", 2026, 2, (2, 2, 0)),
    ("imo", 2026, 1, (12, 12, 0)),
])
def test_norms(kind, year, alv, norm):
    found = norm_for(kind, year=year, project_start=START, alv_per_year=alv)
    assert (found.windows, found.minimum, found.tolerance) == norm


def test_bestuur_has_no_norm():
    assert norm_for("bestuur", year=2026, project_start=START) is None
    result = assess("bestuur", [D(2026, 3, 1), D(2026, 7, 1)], year=2026, today=D(2026, 6, 15),
                    project_start=START)
    assert (result.status, result.held, result.planned) == (NO_NORM, 1, 1)


@pytest.mark.parametrize("kind,year,first", [
    ("kerngroep", 2024, D(2024, 7, 1)),       # Q2 begins before the start: exempt
    ("stuurgroep", 2024, D(2024, 7, 1)),
    ("communityteam", 2024, D(2024, 5, 1)),
    ("kerngroep", 2025, D(2025, 1, 1)),
])
def test_windows_before_the_project_start_are_not_due(kind, year, first):
    norm = norm_for(kind, year=year, project_start=START)
    assert windows(norm, year, START)[0].start == first


# A hand-checked year: the communityteam of 2025 met monthly except in July and August.
CT_2025 = [D(2025, 1, 14), D(2025, 2, 11), D(2025, 3, 11), D(2025, 4, 8), D(2025, 5, 13),
           D(2025, 6, 10), D(2025, 9, 9), D(2025, 10, 14), D(2025, 11, 11), D(2025, 12, 9)]


@pytest.mark.parametrize("kind,days,today,held,planned,expected,status", [
    # the whole year: 12 windows ended, 12 - 2 tolerated = 10 expected, 10 held
    ("communityteam", CT_2025, D(2026, 1, 5), 10, 0, 10, ON_TRACK),
    # one more missed (December) is one too many
    ("communityteam", CT_2025[:-1], D(2026, 1, 5), 9, 0, 10, BEHIND),
    # 20 September: Jan-Aug ended (8 - 2 = 6 expected), 7 held incl. 9 September; by the
    # end of September 7 are expected and 7 are there
    ("communityteam", CT_2025, D(2025, 9, 20), 7, 3, 6, ON_TRACK),
    # 3 September, nothing planned in September: 6 held, 7 expected by 1 October
    ("communityteam", CT_2025[:6], D(2025, 9, 3), 6, 0, 6, NOTHING_PLANNED),
    # 1 August: July skipped (tolerated), August may be skipped too
    ("communityteam", CT_2025[:6], D(2025, 8, 1), 6, 0, 5, ON_TRACK),
    # the kerngroep met four times, but the count is what the norm asks: on track
    ("kerngroep", [D(2025, 2, 10), D(2025, 5, 20), D(2025, 6, 30), D(2025, 11, 3)],
     D(2026, 1, 10), 4, 0, 4, ON_TRACK),
    ("kerngroep", [D(2025, 2, 10), D(2025, 5, 20), D(2025, 11, 3)],
     D(2026, 1, 10), 3, 0, 4, BEHIND),
])
def test_hand_checked_year_2025(kind, days, today, held, planned, expected, status):
    result = assess(kind, days, year=2025, today=today, project_start=START)
    assert (result.held, result.planned, result.expected, result.status) == \
        (held, planned, expected, status)


@pytest.mark.parametrize("days,status", [
    # Q1 ended without a meeting: behind, even with one planned in June
    ([D(2025, 11, 20), D(2026, 6, 25)], BEHIND),
    # Q1 held; one planned in Q2 (before 1 July): on track
    ([D(2026, 2, 10), D(2026, 6, 25)], ON_TRACK),
    # Q1 held; the next one only in Q3: nothing planned in the window where one is due
    ([D(2026, 2, 10), D(2026, 9, 1)], NOTHING_PLANNED),
    # two in Q1 cover Q2 as well (the count is what matters)
    ([D(2026, 1, 10), D(2026, 3, 10)], ON_TRACK),
    # a meeting today counts as planned for the current window
    ([D(2026, 2, 10), D(2026, 6, 15)], ON_TRACK),
])
def test_kerngroep_on_15_june_2026(days, status):
    result = assess("kerngroep", days, year=2026, today=D(2026, 6, 15), project_start=START)
    assert result.status == status
    assert result.current == Window(D(2026, 4, 1), D(2026, 7, 1))


@pytest.mark.parametrize("kind,days,today,alv,status", [
    # 2025 is a first year for the stuurgroep: one in each half year
    ("stuurgroep", [D(2025, 3, 1)], D(2025, 12, 31), 1, NOTHING_PLANNED),
    ("stuurgroep", [D(2025, 3, 1), D(2025, 10, 1)], D(2025, 12, 31), 1, ON_TRACK),
    # 2026 is not: one a year, due by the end of the year
    ("stuurgroep", [], D(2026, 6, 15), 1, NOTHING_PLANNED),
    ("stuurgroep", [D(2026, 11, 10)], D(2026, 6, 15), 1, ON_TRACK),
    ("stuurgroep", [D(2026, 3, 10)], D(2026, 6, 15), 1, ON_TRACK),
    # ALV: yearly, or half-yearly when the statutes say so
    ("alv", [D(2026, 4, 20)], D(2026, 8, 1), 1, ON_TRACK),
    ("alv", [D(2026, 4, 20)], D(2026, 8, 1), 2, NOTHING_PLANNED),
    ("alv", [D(2026, 4, 20), D(2026, 11, 2)], D(2026, 8, 1), 2, ON_TRACK),
    ("alv", [D(2026, 8, 20)], D(2026, 8, 1), 2, BEHIND),
    # IMO: every month, no tolerance
    ("imo", [D(2026, m, 12) for m in range(1, 6)], D(2026, 6, 15), 1, NOTHING_PLANNED),
    ("imo", [D(2026, m, 12) for m in range(1, 7)], D(2026, 6, 15), 1, ON_TRACK),
    # March was skipped: the June meeting makes the count (5 by 1 June), but July needs 6
    ("imo", [D(2026, m, 12) for m in (1, 2, 4, 5, 6)], D(2026, 6, 15), 1, NOTHING_PLANNED),
    ("imo", [D(2026, m, 12) for m in (1, 2, 4)], D(2026, 6, 15), 1, BEHIND),
])
def test_other_bodies(kind, days, today, alv, status):
    assert assess(kind, days, year=today.year, today=today, project_start=START,
                  alv_per_year=alv).status == status


def test_the_first_project_year_counts_only_due_windows():
    # started 15 April 2024: May..December are due, April is exempt
    days = [D(2024, m, 5) for m in range(5, 13)]
    result = assess("communityteam", days, year=2024, today=D(2025, 1, 2), project_start=START)
    assert (result.expected, result.status) == (6, ON_TRACK)   # 8 windows - 2 tolerated
    result = assess("imo", days[:-1], year=2024, today=D(2025, 1, 2), project_start=START)
    assert (result.expected, result.status) == (8, BEHIND)
