"""Property-based tests (hypothesis) of the pure rules: the mix band, the hour norms, the
meeting cadence and the recurrence of room bookings. Bounded examples, no deadline."""
from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings, strategies as st

from services.governance import cadence
from services.hours import norms
from services.registry.mix_rules import Direction, MixBand, MixStatus, assess_mix
from services.rooms.recurrence import AMSTERDAM, MAX_OCCURRENCES, Rule, expand, local_slot

BOUNDED = settings(max_examples=150, deadline=None)
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)
bands = st.builds(MixBand, shares, st.fractions(min_value=0, max_value=Fraction(1, 4),
                                                max_denominator=100),
                  st.integers(0, 500), shares)
counts = st.integers(0, 400).flatmap(lambda total: st.tuples(st.integers(0, total),
                                                             st.just(total)))
days = st.dates(date(2000, 1, 1), date(2060, 12, 31))


# --- the mix --------------------------------------------------------------------------

@BOUNDED
@given(counts, st.integers(0, 500), bands)
def test_mix_assessment_is_consistent(count, units, band):
    begeleid, total = count
    a = assess_mix(begeleid, total, units, band)
    assert (a.begeleid, a.total, a.onbegeleid) == (begeleid, total, total - begeleid)
    if total == 0:
        assert a.status is MixStatus.EMPTY and a.share is None
        return
    assert a.share == Fraction(begeleid, total) and 0 <= a.percentage <= 100
    distance = a.share - band.target
    assert (a.direction is None) == (distance == 0)
    if a.direction is not None:
        assert (a.direction is Direction.HIGH) == (distance > 0)
    if abs(distance) <= band.tolerance:
        assert a.status is MixStatus.OK
    if abs(distance) > 2 * band.tolerance and a.direction is Direction.LOW:
        assert a.status is MixStatus.OUT_OF_BAND


@BOUNDED
@given(st.integers(1, 300), bands, st.integers(0, 500))
def test_moving_away_from_the_target_never_improves_the_status(total, band, units):
    order = {MixStatus.OK: 0, MixStatus.DISCUSS: 1, MixStatus.OUT_OF_BAND: 2}
    ranks = [order[assess_mix(b, total, units, band).status] for b in range(total + 1)]
    target = min(range(total + 1), key=lambda b: abs(Fraction(b, total) - band.target))
    below, above = ranks[:target + 1], ranks[target:]
    assert all(x >= y for x, y in zip(below, below[1:]))
    if units > band.small_site_units:  # else the small-site exception may soften "high"
        assert all(x <= y for x, y in zip(above, above[1:]))


@BOUNDED
@given(st.integers(-10, 10), st.integers(-10, 10))
def test_mix_refuses_impossible_counts(begeleid, total):
    assume(begeleid < 0 or total < 0 or begeleid > total)
    try:
        assess_mix(begeleid, total, 60)
    except ValueError:
        return
    raise AssertionError("an impossible count was assessed")


# --- the hour norms ---------------------------------------------------------------------

@BOUNDED
@given(st.integers(0, 2000), st.integers(1, 30))
def test_coach_table_bands_are_ordered_and_taper(units, year):
    band = norms.coach_hours_per_week(units, year)
    if units < 40:
        assert band is None
        return
    assert 0 < band.low <= band.high <= 24
    if year > 1:  # never more coach hours later in the project than in year 1
        assert band.high <= norms.coach_hours_per_week(units, 1).high


@BOUNDED
@given(days, days)
def test_project_year_counts_whole_years(start, on):
    year = norms.project_year(start, on)
    if on < start:
        assert year == 0
    else:
        assert year == relativedelta(on, start).years + 1
        assert norms.project_year(start, on + relativedelta(years=1)) == year + 1


@BOUNDED
@given(st.lists(st.decimals(min_value=0, max_value=168, places=2), max_size=60))
def test_care_contribution_is_ten_percent_and_additive(hours):
    total = norms.care_contribution(hours)
    assert total == sum((Fraction(h) for h in hours), Fraction(0)) / 10
    half = len(hours) // 2
    assert total == norms.care_contribution(hours[:half]) + norms.care_contribution(hours[half:])
    assert norms.care_contribution([Decimal(6)] * 20) == 12  # the seed's worked example


@BOUNDED
@given(st.integers(0, 5000), st.fractions(min_value=1, max_value=60, max_denominator=10))
def test_management_band_is_pro_rata(units, fte_hours):
    band = norms.management_band(units, fte_hours)
    assert band.low <= band.high
    assert band.low == Fraction(units, 350) * fte_hours
    assert band.high == Fraction(units, 150) * fte_hours


@BOUNDED
@given(st.fractions(min_value=0, max_value=200, max_denominator=4),
       st.fractions(min_value=0, max_value=100, max_denominator=4),
       st.fractions(min_value=0, max_value=100, max_denominator=4))
def test_hour_assessment_is_monotone(actual, low, extra):
    band = norms.Band(low, low + extra)
    status = norms.assess(actual, band)
    assert norms.assess(actual, None) is norms.HourStatus.NO_NORM
    if status is norms.HourStatus.UNDER:
        assert norms.assess(actual / 2, band) is norms.HourStatus.UNDER
    if status is norms.HourStatus.OVER:
        assert norms.assess(actual * 2, band) is norms.HourStatus.OVER


# --- the meeting cadence ----------------------------------------------------------------

kinds = st.sampled_from(["stuurgroep", "kerngroep", "communityteam", "alv", cadence.IMO])


@BOUNDED
@given(kinds, st.integers(2020, 2035), days, st.lists(days, max_size=30), days)
def test_cadence_counts_and_status(kind, year, start, meetings, today):
    c = cadence.assess(kind, meetings, year=year, today=today, project_start=start)
    in_year = [d for d in meetings if d.year == year]
    assert c.held + c.planned == len(in_year)
    assert c.held == sum(1 for d in in_year if d < today)
    assert 0 <= c.expected <= c.norm.windows
    assert c.status in (cadence.ON_TRACK, cadence.BEHIND, cadence.NOTHING_PLANNED)
    assert (c.status == cadence.BEHIND) == (c.held < c.expected)
    windows = cadence.windows(c.norm, year, start)
    assert all(w.start < w.end and w.start >= start for w in windows)


@BOUNDED
@given(kinds, st.integers(2020, 2035), days)
def test_meeting_in_every_window_is_on_track(kind, year, start):
    norm = cadence.norm_for(kind, year=year, project_start=start)
    windows = cadence.windows(norm, year, start)
    meetings = [w.start for w in windows]
    c = cadence.assess(kind, meetings, year=year, today=date(year + 1, 1, 1),
                       project_start=start)
    assert c.status == cadence.ON_TRACK and c.held == len(windows)


# --- recurrence of bookings -------------------------------------------------------------

rules = st.one_of(
    st.builds(Rule, st.just("weekly"), st.integers(1, 4), st.none(), st.none(),
              st.integers(1, 60)),
    st.builds(Rule, st.just("monthly"), st.just(1), st.none(), st.none(), st.integers(1, 24)),
)


@BOUNDED
@given(st.dates(date(2024, 1, 1), date(2030, 12, 31)), rules)
def test_recurrence_dates(first, rule):
    dates = expand(first, rule)
    assert dates[0] == first and len(dates) == min(rule.count, MAX_OCCURRENCES + 1)
    assert dates == sorted(set(dates))
    assert all(d.weekday() == first.weekday() for d in dates)
    if rule.kind == "weekly":
        assert all((b - a).days == 7 * rule.interval for a, b in zip(dates, dates[1:]))
    else:
        assert all((b.year, b.month) > (a.year, a.month) for a, b in zip(dates, dates[1:]))


@BOUNDED
@given(st.dates(date(2024, 1, 1), date(2030, 12, 31)), st.integers(1, 60))
def test_weekly_series_keep_their_wall_clock_time(first, weeks):
    for day in expand(first, Rule("weekly", 1, None, None, weeks)):
        try:
            slot = local_slot(day, time(19, 0), time(21, 0))
        except ValueError:  # 19:00 always exists in Amsterdam
            raise AssertionError(day) from None
        assert slot.starts_at.astimezone(AMSTERDAM).time() == time(19, 0)
        assert slot.ends_at - slot.starts_at == timedelta(hours=2)
