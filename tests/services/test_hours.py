"""Hours against a real database: logging rules, closed months, corrections, the 10% from
the dated history, report figures against hand computations, the demo's 10% report."""
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from models import (ClosedMonthError, HourEntry, MonthClosure, Resident, Site,
                    SupportPeriod, Unit)
from services.access import SiteAccess
from services.errors import RuleViolation
from services.hours import entries as es
from services.hours import settings as norm_settings
from services.hours.entries import EntryData
from services.hours.norms import Band, HourStatus
from services.hours.periods import PeriodKind, days, parse_period, period_of
from services.hours.reports import build_report, coach_history
from services.registry import residents as rs
from services.seed import demo
from tests.conftest import TODAY, build_world
from tests.hours_fixtures import access_of, grow, log, user

MAY = parse_period("maand", "2026-05", TODAY)
FULL = lambda w: SiteAccess(w.site.id, frozenset(), is_admin=True)  # noqa: E731


@pytest.fixture
def w(session):
    return build_world(session)


def me(w) -> int:
    """The coach's account: the actor of the changes (an id that exists on PostgreSQL too,
    where ids are not reset between tests)."""
    return w.users["communitycoach"].id


def totals(report) -> dict:
    return {str(line.key): line for line in report.totals}


# --- logging ---------------------------------------------------------------------------

def test_log_entry_stores_quarter_hours(session, w):
    entry = log(session, w.site, "communitycoach", date(2026, 6, 10), 6, "communitycoach")
    assert (entry.quarters, entry.hours, entry.person_id) == (
        6, Decimal("1.5"), user(session, "communitycoach").id)


@pytest.mark.parametrize("role, on, quarters, category, org, field", [
    ("communitycoach", TODAY + timedelta(days=1), 4, "communitycoach", None, "work_date"),
    ("communitycoach", date(2023, 12, 31), 4, "communitycoach", None, "work_date"),
    ("communitycoach", TODAY, 0, "communitycoach", None, "duration"),
    ("communitycoach", TODAY, 97, "communitycoach", None, "duration"),
    ("communitycoach", TODAY, 4, "begeleider", "linde", "category"),
    ("begeleider", TODAY, 4, "begeleider", None, "organisation_id"),
    ("begeleider", TODAY, 4, "begeleider", "anker", "organisation_id"),  # not their own
    ("sociaal_beheerder", TODAY, 4, "communitycoach", None, "category"),
])
def test_log_entry_rules(session, w, role, on, quarters, category, org, field):
    with pytest.raises(RuleViolation) as err:
        log(session, w.site, role, on, quarters, category, w.orgs[org].id if org else None)
    assert err.value.field == field


def test_a_day_holds_at_most_24_hours(session, w):
    log(session, w.site, "communitycoach", TODAY, 90, "communitycoach")
    with pytest.raises(RuleViolation) as err:
        log(session, w.site, "communitycoach", TODAY, 7, "overig")
    assert err.value.field == "duration"
    log(session, w.site, "communitycoach", TODAY, 6, "overig")


def test_roles_without_hours_cannot_log(session, w):
    with pytest.raises(RuleViolation):
        log(session, w.site, "kerngroep", TODAY, 4, "overig")


def test_defaults_follow_usual_category_and_last_activity(session, w):
    access = access_of(session, w.site, "begeleider")
    person = user(session, "begeleider")
    first = es.defaults_for(session, w.site, access, person.id)
    assert (first.category, first.organisation_id) == ("begeleider", w.orgs["linde"].id)
    log(session, w.site, "begeleider", date(2026, 6, 1), 4, "begeleider", w.orgs["linde"].id)
    log(session, w.site, "begeleider", date(2026, 6, 2), 4, "begeleider", w.orgs["linde"].id,
        activity="overleg")
    log(session, w.site, "begeleider", date(2026, 6, 3), 4, "overig", activity="buurt")
    later = es.defaults_for(session, w.site, access, person.id)
    assert (later.category, later.organisation_id, later.activity_type) == (
        "begeleider", w.orgs["linde"].id, "buurt")


def test_visible_entries_follow_the_roles(session, w):
    log(session, w.site, "communitycoach", TODAY, 4, "communitycoach")
    log(session, w.site, "begeleider", TODAY, 4, "begeleider", w.orgs["linde"].id)
    log(session, w.site, "sociaal_beheerder", TODAY, 4, "sociaal_beheer")

    def seen(role):
        rows = es.visible_entries(session, access_of(session, w.site, role),
                                  user(session, role).id, MAY.start, TODAY + timedelta(1))
        return sorted(r.entry.category for r in rows)

    assert seen("sociaal_beheerder") == ["begeleider", "communitycoach", "sociaal_beheer"]
    assert seen("communitycoach") == ["communitycoach"]
    assert seen("begeleider") == ["begeleider"]


# --- closed months and corrections --------------------------------------------------------

def test_closed_months_are_immutable(session, w):
    entry = log(session, w.site, "communitycoach", date(2026, 5, 12), 8, "communitycoach")
    sb = user(session, "sociaal_beheerder")
    closure = es.close_month(session, w.site, date(2026, 5, 1), actor_id=sb.id, today=TODAY)
    assert closure.logged_quarters == 8 and len(closure.day_norms) == 31
    coach = access_of(session, w.site, "communitycoach")
    data = EntryData(date(2026, 5, 12), 4, "communitycoach", "outreach")
    with pytest.raises(RuleViolation):
        es.update_entry(session, w.site, coach, entry, data=data, actor_id=me(w), today=TODAY)
    with pytest.raises(RuleViolation):
        es.withdraw_entry(session, entry, actor_id=me(w))
    with pytest.raises(RuleViolation) as err:
        log(session, w.site, "communitycoach", date(2026, 5, 20), 4, "communitycoach")
    assert err.value.field == "work_date"
    with pytest.raises(RuleViolation):
        es.close_month(session, w.site, date(2026, 5, 1), actor_id=sb.id, today=TODAY)
    session.refresh(entry)
    assert (entry.quarters, entry.withdrawn_at) == (8, None)


def test_a_month_closes_only_after_it_ended(session, w):
    sb = user(session, "sociaal_beheerder")
    with pytest.raises(RuleViolation):
        es.close_month(session, w.site, date(2026, 6, 1), actor_id=sb.id, today=TODAY)
    es.close_month(session, w.site, date(2026, 6, 1), actor_id=sb.id, today=date(2026, 7, 1))


def test_closures_and_entries_are_never_removed(session, w):
    entry = log(session, w.site, "communitycoach", date(2026, 5, 12), 8, "communitycoach")
    closure = es.close_month(session, w.site, date(2026, 5, 1), actor_id=None, today=TODAY)
    closure.logged_quarters = 99
    with pytest.raises(ClosedMonthError):
        session.flush()
    session.expire(closure)  # the failed flush changed nothing; forget the attempt
    session.delete(entry)
    with pytest.raises(ClosedMonthError):
        session.flush()


def test_edit_and_withdraw_in_an_open_month(session, w):
    entry = log(session, w.site, "communitycoach", date(2026, 6, 2), 8, "communitycoach")
    coach = access_of(session, w.site, "communitycoach")
    es.update_entry(session, w.site, coach, entry, actor_id=me(w), today=TODAY,
                    data=EntryData(date(2026, 6, 3), 10, "communitycoach", "activiteit"))
    assert (entry.work_date, entry.quarters, entry.activity_type) == (
        date(2026, 6, 3), 10, "activiteit")
    es.withdraw_entry(session, entry, actor_id=me(w))
    assert entry.withdrawn_at is not None
    report = build_report(session, w.site, FULL(w), period_of(PeriodKind.MONTH, TODAY), TODAY)
    assert totals(report)["communitycoach"].actual == 0


def test_correction_is_a_new_entry_in_the_next_open_month(session, w):
    entry = log(session, w.site, "communitycoach", date(2026, 4, 14), 8, "communitycoach")
    for month in (date(2026, 4, 1), date(2026, 5, 1)):
        es.close_month(session, w.site, month, actor_id=None, today=TODAY)
    april = build_report(session, w.site, FULL(w), parse_period("maand", "2026-04", TODAY), TODAY)
    coach = access_of(session, w.site, "communitycoach")
    created = es.correct_entry(session, w.site, coach, entry, reason="dubbel geschreven",
                               data=EntryData(entry.work_date, 6, "communitycoach", "outreach"),
                               actor_id=me(w), today=TODAY)
    assert [(e.work_date, e.quarters, e.corrects_entry_id) for e in created] == [
        (TODAY, -8, entry.id), (TODAY, 6, entry.id)]  # April and May closed: into June
    assert "dubbel geschreven" in created[0].note
    after = build_report(session, w.site, FULL(w), parse_period("maand", "2026-04", TODAY), TODAY)
    assert totals(after)["communitycoach"].actual == totals(april)["communitycoach"].actual == 2
    june = build_report(session, w.site, FULL(w), period_of(PeriodKind.MONTH, TODAY), TODAY)
    assert totals(june)["communitycoach"].actual == Fraction(-1, 2)
    with pytest.raises(RuleViolation):  # corrected once; correct the replacement instead
        es.correct_entry(session, w.site, coach, entry, reason="nog eens", actor_id=me(w),
                         data=EntryData(entry.work_date, 4, "communitycoach", "outreach"),
                         today=TODAY)


def test_correction_rules(session, w):
    open_entry = log(session, w.site, "communitycoach", date(2026, 6, 1), 8, "communitycoach")
    closed_entry = log(session, w.site, "communitycoach", date(2026, 5, 4), 8, "communitycoach")
    es.close_month(session, w.site, date(2026, 5, 1), actor_id=None, today=TODAY)
    coach = access_of(session, w.site, "communitycoach")
    same = EntryData(date(2026, 5, 4), 8, "communitycoach", "outreach")
    with pytest.raises(RuleViolation):  # open month: change it instead
        es.correct_entry(session, w.site, coach, open_entry, data=same, reason="x",
                         actor_id=me(w), today=TODAY)
    with pytest.raises(RuleViolation) as err:  # nothing changes
        es.correct_entry(session, w.site, coach, closed_entry, data=same, reason="x",
                         actor_id=me(w), today=TODAY)
    assert err.value.field == "duration"
    with pytest.raises(RuleViolation) as err:  # a reason is required
        es.correct_entry(session, w.site, coach, closed_entry, reason=" ", actor_id=me(w),
                         data=EntryData(same.work_date, 0, "communitycoach", "outreach"),
                         today=TODAY)
    assert err.value.field == "note"
    only_reversal = es.correct_entry(
        session, w.site, coach, closed_entry, reason="niet gewerkt", actor_id=me(w), today=TODAY,
        data=EntryData(same.work_date, 0, "communitycoach", "outreach"))
    assert [e.quarters for e in only_reversal] == [-8]


# --- norms from the dated history, against hand computations ------------------------------

def test_care_norm_follows_a_resident_moving_in_mid_month(session, w):
    # De Linde: 6 h/week all May; a new client with 8 h/week from 11 May (21 days)
    rs.add_resident(session, site_id=w.site.id, unit_id=w.units["A3"].id,
                    move_in=date(2026, 5, 11), person=rs.PersonalData("Nieuwe Cliënt"),
                    support=rs.SupportData("begeleid", w.orgs["linde"].id, Decimal(8)),
                    actor_id=None, today=TODAY)
    report = build_report(session, w.site, FULL(w), MAY, TODAY)
    care = {s.organisation: s for s in report.care}
    hand = (Fraction(6) * 31 + Fraction(8) * 21) / 7 / 10
    assert care["Zorggroep De Linde"].total.norm == Band.of(hand)
    assert care["Stichting Het Anker"].total.norm == Band.of(Fraction(45, 10) * 31 / 7 / 10)
    assert care["Zorggroep De Linde"].facts == {"clients": 2, "indicated_hours": 14}
    # the week before the move-in knows only the first client
    week = build_report(session, w.site, FULL(w), parse_period("week", "2026-W19", TODAY),
                        TODAY)
    assert {s.organisation: s.total.norm for s in week.care}["Zorggroep De Linde"] == \
        Band.of(Fraction(6, 10))


def test_report_figures_match_hand_computation(session, w):
    grow(session, w.site, 72)  # 40-80 units, project year 3: 8 h/week
    for day, quarters in ((1, 8), (2, 6), (3, 12), (4, 6)):
        log(session, w.site, "communitycoach", date(2026, 6, day), quarters, "communitycoach")
    log(session, w.site, "begeleider", date(2026, 6, 2), 3, "begeleider", w.orgs["linde"].id)
    log(session, w.site, "sociaal_beheerder", date(2026, 6, 3), 40, "sociaal_beheer")
    log(session, w.site, "sociaal_beheerder", date(2026, 6, 5), 8, "fysiek_beheer",
        w.site.corporation_id)
    week = build_report(session, w.site, FULL(w), parse_period("week", "2026-W23", TODAY), TODAY)
    t = totals(week)
    assert (t["communitycoach"].actual, t["communitycoach"].norm) == (8, Band.of(8))
    assert t["communitycoach"].status is HourStatus.WITHIN
    assert t["begeleider"].norm == Band.of(Fraction(105, 100))  # (6 + 4.5) x 10%
    assert t["begeleider"].status is HourStatus.UNDER  # 0.75 < 1.05 x 0.9
    assert t["beheer"].actual == 12
    assert t["beheer"].norm == Band.of(Fraction(72 * 36, 350), Fraction(72 * 36, 150))
    assert t["totaal"].actual == Fraction(8 + Fraction(3, 4) + 12)
    orgs = {line.name: line for line in week.organisations}
    assert orgs["Woonstichting Test"].actual == 2  # only the fysiek beheer named the corporation
    # the month so far (1-15 June): 15 days of norm, per clipped ISO week
    month = build_report(session, w.site, FULL(w), period_of(PeriodKind.MONTH, TODAY), TODAY)
    assert month.coach.total.norm == Band.of(Fraction(8 * 15, 7))
    assert [r.period.code for r in month.coach.rows] == ["2026-W23", "2026-W24", "2026-W25"]
    assert [r.norm for r in month.coach.rows] == [Band.of(8), Band.of(8), Band.of(Fraction(8, 7))]
    assert month.coach.rows[0].actual == 8 and month.coach.rows[1].actual == 0
    assert month.last_day == TODAY and month.project_year == 3


def test_closed_month_figures_never_change(session, w):
    grow(session, w.site, 72)
    log(session, w.site, "communitycoach", date(2026, 5, 5), 20, "communitycoach")
    es.close_month(session, w.site, date(2026, 5, 1), actor_id=None, today=TODAY)
    before = build_report(session, w.site, FULL(w), MAY, TODAY)
    # afterwards: a backdated status change, more units, a scale-up from 1 May
    vrij = session.get(Resident, w.residents["vrij1"].id)
    rs.record_status_change(session, vrij, valid_from=date(2026, 5, 1), note=None,
                            support=rs.SupportData("begeleid", w.orgs["anker"].id, Decimal(9)),
                            actor_id=None)
    grow(session, w.site, 90)
    norm_settings.record_override(session, w.site, kind="opgeschaald",
                                  starts_on=date(2026, 5, 1), ends_on=None,
                                  hours_per_week=Decimal(20), reason="crisis", actor_id=None)
    after = build_report(session, w.site, FULL(w), MAY, TODAY)
    assert after.totals == before.totals and after.care == before.care
    june = build_report(session, w.site, FULL(w), period_of(PeriodKind.MONTH, TODAY), TODAY)
    assert totals(june)["communitycoach"].norm == Band.of(Fraction(20 * 15, 7))


def test_own_norm_and_waakvlam_rules(session, w):
    report = build_report(session, w.site, FULL(w), MAY, TODAY)
    assert report.coach_basis == "eigen_norm_nodig" and totals(report)["communitycoach"].norm is None
    norm_settings.record_override(session, w.site, kind="eigen_norm", starts_on=date(2026, 1, 1),
                                  ends_on=None, hours_per_week=Decimal(3), reason=None,
                                  actor_id=None)
    report = build_report(session, w.site, FULL(w), MAY, TODAY)
    assert totals(report)["communitycoach"].norm == Band.of(Fraction(3 * 31, 7))
    with pytest.raises(RuleViolation) as err:
        norm_settings.record_override(session, w.site, kind="waakvlam",
                                      starts_on=date(2026, 5, 1), ends_on=None,
                                      hours_per_week=None, reason=None, actor_id=None)
    assert err.value.field == "starts_on"
    with pytest.raises(RuleViolation) as err:
        norm_settings.record_override(session, w.site, kind="opgeschaald",
                                      starts_on=date(2026, 5, 1), ends_on=None,
                                      hours_per_week=Decimal(10), reason="", actor_id=None)
    assert err.value.field == "reason"
    grow(session, w.site, 40)
    with pytest.raises(RuleViolation):
        norm_settings.record_override(session, w.site, kind="eigen_norm",
                                      starts_on=date(2026, 1, 1), ends_on=None,
                                      hours_per_week=Decimal(3), reason=None, actor_id=None)


def test_fte_hours_change_the_management_norm(session, w):
    grow(session, w.site, 70)
    norm_settings.set_fte_hours(session, w.site, Decimal(35), actor_id=None)
    week = build_report(session, w.site, FULL(w), parse_period("week", "2026-W23", TODAY), TODAY)
    assert totals(week)["beheer"].norm == Band.of(7, Fraction(70 * 35, 150))


def test_coach_history_tapers(session, w):
    grow(session, w.site, 72)
    months = {m.month: m for m in coach_history(session, w.site, TODAY)}
    assert months[date(2024, 6, 1)].band == Band.of(12)
    assert months[date(2025, 6, 1)].band == Band.of(8)
    assert months[date(2027, 6, 1)].band == Band.of(4, 6) and months[date(2027, 6, 1)].actual is None


# --- the demo ---------------------------------------------------------------------------

def hand_care_norms(session, site_id: int, start: date, end: date) -> dict[int, Fraction]:
    """10% of the indicated hours per care organisation over [start, end), by intervals of
    each support period (a different method than the service's day-by-day count)."""
    result: dict[int, Fraction] = {}
    residents = session.scalars(sa.select(Resident).join(Unit).where(Unit.site_id == site_id))
    for resident in residents:
        periods = sorted(resident.support_periods, key=lambda p: (p.valid_from, p.id))
        for i, period in enumerate(periods):
            later = [p.valid_from for p in periods[i + 1:] if p.valid_from > period.valid_from]
            if any(p.valid_from == period.valid_from for p in periods[i + 1:]):
                continue  # corrected on the same date: the later row counts
            stop = min([end, *later, *([resident.move_out_date] if resident.move_out_date else [])])
            begin = max(start, period.valid_from, resident.move_in_date)
            if period.status != "begeleid" or stop <= begin:
                continue
            hours = Fraction(period.indicated_hours or 0) * (stop - begin).days / 7 / 10
            result[period.care_organisation_id] = result.get(period.care_organisation_id,
                                                             0) + hours
    return result


def test_demo_ten_percent_report_matches_hand_computation(session):
    demo.seed_demo(session, today=TODAY, password="noaber-demo-1")
    site = session.scalar(sa.select(Site).where(Site.name == demo.SITE_NAME))
    for code in ("2026-05", "2025-11"):
        period = parse_period("maand", code, TODAY)
        report = build_report(session, site, SiteAccess(site.id, frozenset(), True), period,
                              TODAY)
        hand = hand_care_norms(session, site.id, period.start, period.end)
        assert {s.organisation_id: s.total.norm.low for s in report.care} == hand
        logged = {org: Fraction(q, 4) for org, q in session.execute(
            sa.select(HourEntry.organisation_id, sa.func.sum(HourEntry.quarters)).where(
                HourEntry.site_id == site.id, HourEntry.category == "begeleider",
                HourEntry.withdrawn_at.is_(None), HourEntry.work_date >= period.start,
                HourEntry.work_date < period.end).group_by(HourEntry.organisation_id))}
        assert {s.organisation_id: s.total.actual for s in report.care} == logged
        status = {s.organisation: s.total.status for s in report.care}
        assert status["Stichting Het Anker"] is HourStatus.UNDER
    # months before last are closed; one closed coach entry was corrected in an open month
    assert session.scalar(sa.select(sa.func.count()).select_from(MonthClosure)) >= 24
    assert session.scalar(sa.select(sa.func.count()).select_from(HourEntry).where(
        HourEntry.corrects_entry_id.is_not(None))) == 2
    assert not session.scalar(sa.select(sa.func.count()).select_from(HourEntry).where(
        HourEntry.work_date >= TODAY))
    assert not session.scalar(sa.select(sa.func.count()).select_from(SupportPeriod).where(
        SupportPeriod.valid_from > TODAY))
    assert list(days(TODAY, TODAY)) == []


def test_closed_norms_are_read_in_full_once_per_closure(session, w):
    """The parsed norms of a closure are remembered (a closure never changes): a second
    load reads only the closures' keys, and a newly closed month is read in full."""
    from services.hours.calendar import closed_norms, frozen_norms

    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731 (the statement text)
    may = es.close_month(session, w.site, date(2026, 5, 1), actor_id=None, today=TODAY)
    sa.event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        first = closed_norms(session, w.site.id)
        read_first = sum("day_norms" in s for s in statements)
        statements.clear()
        again = closed_norms(session, w.site.id)
        read_again = sum("day_norms" in s for s in statements)
        es.close_month(session, w.site, date(2026, 4, 1), actor_id=None, today=TODAY)
        statements.clear()
        both = closed_norms(session, w.site.id)
        read_new = sum("day_norms" in s and "IN" in s for s in statements)
    finally:
        sa.event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert first == again == frozen_norms(may.day_norms)
    assert (read_first, read_again, read_new) == (1, 0, 1)
    assert min(both) == date(2026, 4, 1) and max(both) == date(2026, 5, 31)
    assert closed_norms(session, w.site.id, since=date(2026, 5, 20)) == first
