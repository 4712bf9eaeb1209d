"""The hour norms (seed 004 "1. Bouw van de community", "3. Samenwerken - kan het ook anders", "7. Financiering") as tables, with the seed's numbers and edges."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from services.hours.entries import correction_date
from services.hours.norms import (Band, CoachBasis, HourStatus, OverrideRecord, assess,
                                  care_contribution, care_contribution_by_organisation,
                                  coach_hours_per_week, coach_norm, management_band,
                                  project_year, size_class)
from services.hours.periods import PeriodKind, breakdown, parse_period, period_of
from services.registry.mix import Occupancy, StatusRecord

START = date(2024, 1, 1)


@pytest.mark.parametrize("units, year, expected", [
    # 40-80: 12 / 8 / 4-6
    (40, 1, (12, 12)), (60, 2, (8, 8)), (79, 3, (8, 8)), (40, 4, (4, 6)), (79, 9, (4, 6)),
    # 80-160: 18 / 12 / 6 -- 80 belongs to 80-160 (lower edge belongs to the class)
    (80, 1, (18, 18)), (80, 2, (12, 12)), (80, 4, (6, 6)), (159, 1, (18, 18)),
    # 160-240: 24 / 16 / 6 -- 160 belongs to 160-240, and so does 240 ("more than 240")
    (160, 1, (24, 24)), (160, 3, (16, 16)), (240, 1, (24, 24)), (240, 4, (6, 6)),
    # more than 240: 20-24 / 20-24 / 8
    (241, 1, (20, 24)), (500, 2, (20, 24)), (241, 3, (20, 24)), (300, 4, (8, 8)),
])
def test_coach_hours_per_week_table(units, year, expected):
    assert coach_hours_per_week(units, year) == Band.of(*expected)


@pytest.mark.parametrize("units, label", [
    (0, None), (39, None), (40, "40-80"), (79, "40-80"), (80, "80-160"), (159, "80-160"),
    (160, "160-240"), (240, "160-240"), (241, ">240")])
def test_size_class_edges(units, label):
    assert size_class(units) == label


def test_under_forty_units_has_no_table_figure():
    assert coach_hours_per_week(39, 1) is None
    norm = coach_norm(39, START, date(2024, 6, 1))
    assert norm.basis is CoachBasis.OWN_NORM_NEEDED and norm.per_week is None
    own = OverrideRecord("eigen_norm", date(2024, 1, 1), None, Decimal(5), "klein complex")
    assert coach_norm(39, START, date(2024, 6, 1), [own]).per_week == Band.of(5)
    # an own norm does not apply to a site of 40 units or more
    assert coach_norm(40, START, date(2024, 6, 1), [own]).basis is CoachBasis.TABLE


@pytest.mark.parametrize("on, year", [
    (date(2023, 12, 31), 0), (date(2024, 1, 1), 1), (date(2024, 12, 31), 1),
    (date(2025, 1, 1), 2), (date(2026, 12, 31), 3), (date(2027, 1, 1), 4)])
def test_project_year(on, year):
    assert project_year(START, on) == year


def test_waakvlam_is_four_hours_per_month_only_after_year_three():
    standby = [OverrideRecord("waakvlam", date(2026, 6, 1))]
    in_year_three = coach_norm(60, START, date(2026, 12, 31), standby)
    assert in_year_three.basis is CoachBasis.TABLE and in_year_three.per_week == Band.of(8)
    year_four = coach_norm(60, START, date(2027, 2, 10), standby)
    assert year_four.basis is CoachBasis.WAAKVLAM and year_four.per_month == Band.of(4)
    # per day it is the month's share: 28 days of February make exactly 4 hours
    assert sum(year_four.hours_on(date(2027, 2, d)).low for d in range(1, 29)) == 4
    assert not year_four.permanent_role
    # from 100 units the coach role is permanent: the waakvlam is flagged to discuss
    assert coach_norm(100, START, date(2027, 2, 10), standby).permanent_role


def test_scale_up_wins_while_it_runs():
    overrides = [OverrideRecord("waakvlam", date(2027, 1, 1)),
                 OverrideRecord("opgeschaald", date(2027, 3, 1), date(2027, 5, 1), Decimal(10),
                                "onrust in Blok C")]
    assert coach_norm(60, START, date(2027, 2, 28), overrides).basis is CoachBasis.WAAKVLAM
    scaled = coach_norm(60, START, date(2027, 3, 1), overrides)
    assert (scaled.basis, scaled.per_week, scaled.reason) == (
        CoachBasis.OPGESCHAALD, Band.of(10), "onrust in Blok C")
    assert coach_norm(60, START, date(2027, 5, 1), overrides).basis is CoachBasis.WAAKVLAM


@pytest.mark.parametrize("indicated, expected", [
    ([6] * 20, 12),  # the seed: 20 residents x 6 h x 10% = 12 h/week
    ([Decimal("4.5"), 6], Fraction(21, 20)),
    ([], 0),
    ([8, 8, 8, 8, 8], 4),
])
def test_care_contribution(indicated, expected):
    assert care_contribution(indicated) == expected


def test_care_contribution_follows_the_dated_history():
    def stay(rid, org, hours, move_in, move_out=None, *changes):
        statuses = (StatusRecord(move_in, "begeleid", org, Decimal(hours)), *changes)
        return Occupancy(rid, rid, None, move_in, move_out, statuses)

    occupancies = [
        stay(1, 7, 6, date(2025, 1, 1)),
        stay(2, 7, 6, date(2025, 3, 10)),  # moves in
        stay(3, 8, 10, date(2025, 1, 1), date(2025, 3, 10)),  # moves out
        stay(4, 7, 4, date(2025, 1, 1), None,
             StatusRecord(date(2025, 3, 10), "onbegeleid", None, None)),  # support ends
    ]
    assert care_contribution_by_organisation(occupancies, date(2025, 3, 9)) == {
        7: Fraction(1), 8: Fraction(1)}
    assert care_contribution_by_organisation(occupancies, date(2025, 3, 10)) == {
        7: Fraction(6, 5)}


@pytest.mark.parametrize("units, fte, low, high", [
    (150, 36, Fraction(150 * 36, 350), 36),
    (350, 36, 36, 84),
    (72, 36, Fraction(72 * 36, 350), Fraction(72 * 36, 150)),
    (72, 40, Fraction(72 * 40, 350), Fraction(72 * 40, 150)),
])
def test_management_band(units, fte, low, high):
    assert management_band(units, fte) == Band.of(low, high)


@pytest.mark.parametrize("actual, band, status", [
    (12, Band.of(12), HourStatus.WITHIN),
    (Fraction(108, 10), Band.of(12), HourStatus.WITHIN),  # 10% under still counts
    (Fraction(107, 10), Band.of(12), HourStatus.UNDER),
    (Fraction(132, 10), Band.of(12), HourStatus.WITHIN),
    (Fraction(133, 10), Band.of(12), HourStatus.OVER),
    (5, Band.of(4, 6), HourStatus.WITHIN),
    (3, Band.of(4, 6), HourStatus.UNDER),
    (7, Band.of(4, 6), HourStatus.OVER),
    (0, Band.of(0), HourStatus.WITHIN),
    (3, None, HourStatus.NO_NORM),
])
def test_assess(actual, band, status):
    assert assess(actual, band) is status


@pytest.mark.parametrize("entry_month, closed, today, expected", [
    (date(2026, 4, 1), {date(2026, 4, 1)}, date(2026, 6, 15), date(2026, 5, 1)),
    (date(2026, 4, 1), {date(2026, 4, 1), date(2026, 5, 1)}, date(2026, 6, 15),
     date(2026, 6, 15)),
    (date(2026, 5, 1), {date(2026, 5, 1)}, date(2026, 6, 3), date(2026, 6, 3)),
])
def test_correction_goes_to_the_next_open_month(entry_month, closed, today, expected):
    assert correction_date(entry_month, closed, today) == expected


@pytest.mark.parametrize("kind, code, start, end", [
    ("week", "2026-W23", date(2026, 6, 1), date(2026, 6, 8)),
    ("maand", "2026-02", date(2026, 2, 1), date(2026, 3, 1)),
    ("kwartaal", "2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
    ("jaar", "2025", date(2025, 1, 1), date(2026, 1, 1)),
    ("maand", "rommel", date(2026, 6, 1), date(2026, 7, 1)),  # falls back to today's
])
def test_periods(kind, code, start, end):
    period = parse_period(kind, code, date(2026, 6, 15))
    assert (period.start, period.end) == (start, end)


def test_breakdown_of_a_month_clips_weeks():
    weeks = breakdown(period_of(PeriodKind.MONTH, date(2026, 6, 1)))
    assert weeks[0].start == date(2026, 6, 1) and weeks[-1].end == date(2026, 7, 1)
    assert sum(w.days for w in weeks) == 30
    assert len(breakdown(period_of(PeriodKind.YEAR, date(2026, 1, 1)))) == 12
