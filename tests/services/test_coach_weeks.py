"""The coach's weeks against the coach norm: the running week's bar, partial weeks at the
month's edges marked and never "under" the norm."""
from datetime import date
from fractions import Fraction

import pytest

from services.hours import coach_weeks
from services.hours.norms import Band, HourStatus
from tests.conftest import TODAY, build_world
from tests.hours_fixtures import grow, log

MAY = date(2026, 5, 1)  # a Friday; 31 May is a Sunday


@pytest.fixture
def w(session):
    world = build_world(session)
    grow(session, world.site, 72)  # 40-80 units, project year 3: 8 hours a week
    return world


def test_this_week_against_the_whole_weeks_norm(session, w):
    log(session, w.site, "communitycoach", TODAY, 42, "communitycoach")  # 10.5 h
    week = coach_weeks.this_week(session, w.site, TODAY)
    assert (week.actual, week.norm) == (Fraction(21, 2), Band.of(8))
    assert week.status is HourStatus.OVER and week.running and not week.partial


def test_a_running_week_below_the_norm_is_under_way_not_under(session, w):
    log(session, w.site, "communitycoach", TODAY, 8, "communitycoach")  # 2 h on Monday
    week = coach_weeks.this_week(session, w.site, TODAY)
    assert week.status == coach_weeks.UNDER_WAY
    assert week.to_go == 6


def test_partial_weeks_at_the_months_edges(session, w):
    log(session, w.site, "communitycoach", date(2026, 5, 1), 4, "communitycoach")   # 1 h
    log(session, w.site, "communitycoach", date(2026, 5, 12), 36, "communitycoach")  # 9 h
    weeks = {row.period.code: row for row in coach_weeks.month_weeks(session, w.site, MAY,
                                                                     TODAY)}
    assert list(weeks) == ["2026-W22", "2026-W21", "2026-W20", "2026-W19", "2026-W18"]
    first = weeks["2026-W18"]   # Friday 1 to Sunday 3 May: three days in the month
    assert first.partial and (first.first, first.last) == (date(2026, 5, 1), date(2026, 5, 3))
    assert first.norm == Band.of(Fraction(24, 7))   # three sevenths of 8 hours
    assert first.actual == 1 and first.status == coach_weeks.PARTIAL  # not "under"
    empty = weeks["2026-W19"]   # a whole week without coach hours
    assert not empty.partial and empty.status is HourStatus.UNDER
    assert weeks["2026-W20"].status is HourStatus.OVER  # 9 h against 8 (+10%: 8.8)
    assert not weeks["2026-W22"].partial  # 25-31 May: the month ends on a Sunday


def test_a_partial_week_within_the_norm_keeps_its_status(session, w):
    log(session, w.site, "communitycoach", date(2026, 5, 2), 14, "communitycoach")  # 3.5 h
    first = coach_weeks.month_weeks(session, w.site, MAY, TODAY)[-1]
    assert first.partial and first.status is HourStatus.WITHIN  # 3.5 against 3.43
