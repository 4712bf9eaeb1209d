"""A participation record linked to an activity of the room agenda: the form offers the
site's recent activity dates; the record takes the activity's date; activities of
another site, ahead, cancelled, or bookings that are no activity cannot be linked."""
from datetime import date, time

import pytest

from models import ParticipationRecord, Resident
from services.association import participation
from services.errors import RuleViolation
from services.governance.localtime import local_instant
from services.rooms import bookings
from services.rooms.bookings import Activity
from tests.conftest import TODAY
from tests.rooms_fixtures import THURSDAY, book, make_room
from tests.services.test_association import a, count  # noqa: F401


def _back(day: date) -> dict:
    """Book as if on ``day`` (the agenda books only ahead)."""
    return dict(today=day, now=local_instant(day, time(9)))


@pytest.fixture
def agenda(session, a):  # noqa: F811
    room = make_room(session, a.w.site)
    other = make_room(session, a.w.other_site, "Buurtkamer")
    lunch = book(session, room, date(2026, 6, 11), time(12), time(14), title="Weeklunch",
                 activity=Activity("coach", True), **_back(date(2026, 6, 1)))
    bingo = book(session, room, date(2026, 6, 9), time(19), time(21), title="Bingo",
                 activity=Activity("bewoner"), **_back(date(2026, 6, 1)))
    bookings.cancel(session, bingo.occurrences[0], scope="one", actor_id=None,
                    now=local_instant(date(2026, 6, 2), time(9)))
    meeting = book(session, room, date(2026, 6, 10), time(19), time(20), title="Overleg",
                   **_back(date(2026, 6, 1)))
    spring = book(session, room, date(2026, 3, 5), time(16), time(18), title="Voorjaarsborrel",
                  activity=Activity("woonvereniging"), **_back(date(2026, 3, 1)))
    coffee = book(session, room, THURSDAY, time(10), time(12), title="Koffieochtend",
                  activity=Activity("bewoner"))
    elsewhere = book(session, other, date(2026, 6, 12), time(10), time(12), title="Buurtsoep",
                     activity=Activity("bewoner"), **_back(date(2026, 6, 1)))
    return {name: series.occurrences[0].id for name, series in (
        ("lunch", lunch), ("bingo", bingo), ("meeting", meeting), ("spring", spring),
        ("coffee", coffee), ("elsewhere", elsewhere))}


def _record(session, a, key="linde", **values):  # noqa: F811
    resident = session.get(Resident, a.w.residents[key].id)
    data = {"kind": "deed_mee", "on": TODAY, "note": None, "actor_id": None, "today": TODAY,
            **values}
    return participation.record(session, resident, **data)


def test_the_form_offers_the_recent_activities_of_the_site(session, a, agenda):  # noqa: F811
    found = participation.recent_activities(session, a.w.site.id, TODAY)
    assert [b.series.title for b in found] == ["Weeklunch"]      # not cancelled, ahead, old
    assert [b.series.title for b in participation.recent_activities(
        session, a.w.site.id, TODAY, days=120)] == ["Weeklunch", "Voorjaarsborrel"]


def test_a_record_linked_to_an_activity_has_its_date(session, a, agenda):  # noqa: F811
    row = _record(session, a, booking_id=agenda["lunch"])
    assert (row.on, row.booking.series.title, row.booking.room.name) == (
        date(2026, 6, 11), "Weeklunch", "Ontmoetingsruimte")
    organised = _record(session, a, key="anker", kind="organiseerde_activiteit",
                        booking_id=agenda["spring"])     # older than the list, still allowed
    assert organised.on == date(2026, 3, 5)
    plain = _record(session, a, kind="helpt_buren")
    assert plain.booking is None
    latest = participation.records_of(session, a.w.residents["linde"].id)
    assert [(r.kind, r.booking_id) for r in latest] == [("helpt_buren", None),
                                                        ("deed_mee", agenda["lunch"])]
    rows = {r.resident.name: r for r in participation.site_participation(
        session, a.w.site.id, TODAY).rows}
    assert (rows["Lies Linde"].recent, rows["Lies Linde"].agenda) == (2, 1)
    assert rows["Arie Anker"].agenda == 1


@pytest.mark.parametrize("key,kind,message", [
    ("elsewhere", "deed_mee", "van de ruimtes van deze locatie"),     # another site
    ("coffee", "deed_mee", "van de ruimtes van deze locatie"),        # not held yet
    ("bingo", "deed_mee", "van de ruimtes van deze locatie"),         # cancelled
    ("meeting", "deed_mee", "van de ruimtes van deze locatie"),       # no activity
    ("lunch", "helpt_buren", "hoort bij organiseren of meedoen"),
])
def test_what_cannot_be_linked(session, a, agenda, key, kind, message):  # noqa: F811
    with pytest.raises(RuleViolation, match=message) as caught:
        _record(session, a, kind=kind, booking_id=agenda[key])
    assert caught.value.field == "booking_id"
    assert count(session, ParticipationRecord) == 0


def test_the_same_activity_is_recorded_once_per_resident(session, a, agenda):  # noqa: F811
    _record(session, a, booking_id=agenda["lunch"])
    with pytest.raises(RuleViolation, match="al vastgelegd"):
        _record(session, a, kind="organiseerde_activiteit", booking_id=agenda["lunch"])
    assert _record(session, a, key="anker", booking_id=agenda["lunch"]).booking_id == \
        agenda["lunch"]


def test_the_share_is_judged_against_the_sites_own_band(session, a):  # noqa: F811
    from decimal import Decimal
    from fractions import Fraction

    site = a.w.site
    for key in ("linde", "anker"):
        session.get(Resident, a.w.residents[key].id).actively_contributes = True
    session.flush()
    found = participation.site_participation(session, site.id, TODAY)
    assert (found.share, found.status) == (Fraction(1, 2), "binnen")  # 2 of 4 in 50-70%
    site.active_share_low, site.active_share_high = Decimal("0.6"), Decimal("0.8")
    session.flush()
    found = participation.site_participation(session, site.id, TODAY)
    assert (found.status, found.low, found.high) == ("laag", Fraction(3, 5), Fraction(4, 5))
