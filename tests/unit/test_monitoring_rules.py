"""Monitoring rules on parametrised cases (pure functions)."""
from fractions import Fraction

import pytest

from services.monitoring import rules
from services.registry.mix_rules import MixBand, assess_mix

THIRD, TOL = Fraction(1, 3), Fraction(1, 20)


@pytest.mark.parametrize("begeleid,total,severity", [
    (24, 72, None), (30, 72, "info"), (34, 72, "warning"), (10, 72, "warning"), (0, 0, None),
])
def test_mix_finding(begeleid, total, severity):
    finding = rules.mix_finding("site", "Het Hofje", assess_mix(begeleid, total, 72), "/x")
    assert (finding.severity if finding else None) == severity
    if finding:
        assert f"{begeleid} begeleide van {total}" in finding.explanation


@pytest.mark.parametrize("target,text", [
    (Fraction(1, 3), "Het streefaandeel is een derde."),
    (Fraction(1, 4), "Het streefaandeel is 25,0%."),
    (Fraction(2, 5), "Het streefaandeel is 40,0%."),
])
def test_mix_finding_names_the_sites_own_target(target, text):
    band = MixBand(target=target)
    finding = rules.mix_finding("site", "Het Hofje", assess_mix(40, 72, 72, band), "/x", target)
    assert finding.explanation.endswith(text)


@pytest.mark.parametrize("active,total,low,high,side", [
    (35, 70, Fraction(1, 2), Fraction(7, 10), None),
    (35, 70, Fraction(3, 5), Fraction(4, 5), "laag"),       # a site with a higher band
    (56, 70, Fraction(2, 5), Fraction(3, 5), "hoog"),
])
def test_active_share_with_another_band(active, total, low, high, side):
    finding = rules.active_share("Het Hofje", active, total, low, high)
    assert (side in finding.title if finding else None) == (True if side else None)


@pytest.mark.parametrize("shares,expected", [
    ([(24, 72), (25, 72), (26, 72)], None),                 # small drift
    ([(24, 72), (28, 72), (31, 72)], "gestegen"),           # 33% -> 43%: away from target
    ([(34, 72), (30, 72), (24, 72)], None),                 # moving back to the target
    ([(24, 72), (20, 72), (16, 72)], "gedaald"),            # 33% -> 22%
    ([(0, 0), (24, 72)], None),                             # not enough data
])
def test_mix_trend(shares, expected):
    points = [rules.TrendPoint(b, t) for b, t in shares]
    finding = rules.mix_trend("Het Hofje", points, THIRD, TOL, "/x")
    if expected is None:
        assert finding is None
    else:
        assert expected in finding.title and finding.severity == "info"


@pytest.mark.parametrize("now,forecast,pending,fires", [
    ((24, 70), (26, 72), 2, False),     # 36.1%: still in the band
    ((26, 70), (28, 72), 2, False),     # 38.9%: a discussion point, not out of band
    ((30, 70), (33, 72), 3, True),      # 42.9% now (discuss), 45.8% after: out of band
    ((27, 70), (34, 72), 2, True),      # in the band now, 47.2% after
    ((33, 70), (33, 72), 2, False),     # out of band, but the placements improve it
    ((24, 70), (31, 72), 0, False),     # nothing pending
])
def test_mix_forecast(now, forecast, pending, fires):
    result = rules.mix_forecast("Het Hofje", assess_mix(*now, 72), assess_mix(*forecast, 72),
                                pending, THIRD, "/imo")
    assert (result is not None) is fires
    if fires:
        assert f"{forecast[0]} begeleide van {forecast[1]}" in result.explanation


@pytest.mark.parametrize("active,total,side", [
    (35, 70, None), (49, 70, None), (50, 70, "hoog"), (34, 70, "laag"), (0, 0, None),
])
def test_active_share(active, total, side):
    finding = rules.active_share("Het Hofje", active, total)
    assert (None if finding is None else side in finding.title and side) == side


# --- hours -------------------------------------------------------------------------------
from datetime import date, timedelta  # noqa: E402

from services.hours import monitoring as hours_rules  # noqa: E402
from services.hours.norms import Band  # noqa: E402

F = Fraction


@pytest.mark.parametrize("short,long,severity", [
    ((F(32), Band.of(32)), (F(104), Band.of(104)), None),          # on the norm
    ((F(24), Band.of(32)), (F(100), Band.of(104)), "info"),        # a short dip
    ((F(24), Band.of(32)), (F(80), Band.of(104)), "warning"),      # 13 weeks under
    ((F(40), Band.of(16, 24)), (F(60), Band.of(52, 78)), "info"),  # 4 weeks over the band
    ((F(0), None), (F(0), None), None),                            # no norm: own norm missing
])
def test_coach_finding(short, long, severity):
    finding = hours_rules.coach_finding("Het Hofje", short, long, "/r")
    assert (finding.severity if finding else None) == severity
    if finding:
        assert finding.audience == "management"


@pytest.mark.parametrize("today,year", [
    (date(2025, 11, 1), 1),      # year 1 ends on 2025-12-01, 30 days ahead
    (date(2025, 9, 1), None),    # more than 60 days ahead
    (date(2027, 10, 15), 3),     # year 3 ends on 2027-12-01
    (date(2026, 11, 1), None),   # end of year 2: no decision point
])
def test_phase_change(today, year):
    finding = hours_rules.phase_change("Het Hofje", date(2024, 12, 1), today, "/r")
    assert (finding.subject if finding else None) == (f"year:{year}" if year else None)


@pytest.mark.parametrize("actual,norm,under_only,severity", [
    (F(12), Band.of(12), True, None),
    (F(4), Band.of(12), True, "warning"),        # the seed's 12 h/week, only 4 logged
    (F(20), Band.of(12), True, None),            # more than 10% is no problem
    (F(20), Band.of(12), False, "info"),         # management over the band: to discuss
    (F(0), None, False, None),
])
def test_month_finding(actual, norm, under_only, severity):
    finding = hours_rules.month_finding("care_contribution", "org:1", "10%-inzet", actual, norm,
                                        "care:1", "/r", date(2026, 5, 1), under_only)
    assert (finding.severity if finding else None) == severity
    if finding:
        assert finding.period == "2026-05" and "10%-inzet mei 2026: " in finding.title


# --- governance ----------------------------------------------------------------------------
from services.governance import cadence as gov_cadence  # noqa: E402
from services.governance import monitoring as gov_rules  # noqa: E402


@pytest.mark.parametrize("status,severity", [
    (gov_cadence.BEHIND, "warning"), (gov_cadence.NOTHING_PLANNED, "info"),
    (gov_cadence.ON_TRACK, None), (gov_cadence.NO_NORM, None),
])
def test_cadence_finding(status, severity):
    c = gov_cadence.Cadence(2026, None, 1, 0, 3, status, None)
    finding = gov_rules.cadence_finding("body:2", "Kerngroep", c, "/x")
    assert (finding.severity if finding else None) == severity
    if finding:
        assert finding.period == "2026"


@pytest.mark.parametrize("overdue,severity", [(0, None), (1, "info"), (3, "warning")])
def test_overdue_finding(overdue, severity):
    finding = gov_rules.overdue_finding("body:2", "Kerngroep", overdue, date(2026, 5, 1), "/x")
    if finding:  # a real plural and the date in words
        assert f"{overdue} {'actiepunt' if overdue == 1 else 'actiepunten'} over" in finding.title
        assert "(en)" not in finding.title + finding.explanation
        assert finding.explanation.endswith("het oudste sinds 1 mei 2026.")
    assert (finding.severity if finding else None) == severity


@pytest.mark.parametrize("ends_on,fires", [
    (date(2026, 12, 15), True), (date(2027, 1, 1), False), (date(2026, 6, 1), False),
    (date(2026, 6, 15), True),
])
def test_agreement_finding(ends_on, fires):
    finding = gov_rules.agreement_finding("Bestuurlijk akkoord", ends_on, date(2026, 6, 15), "/x")
    assert (finding is not None) is fires


@pytest.mark.parametrize("unlocked,severity,words", [
    (0, None, None), (1, "info", "1 verslag nog"), (4, "info", "4 verslagen nog")])
def test_minutes_finding(unlocked, severity, words):
    finding = gov_rules.minutes_finding("body:2", "Kerngroep", unlocked, "/x")
    assert (finding.severity if finding else None) == severity
    if finding:
        assert finding.rule == "minutes_open" and words in finding.title
        assert f"meer dan {gov_rules.MINUTES_GRACE_DAYS} dagen" in finding.explanation


# --- rooms ---------------------------------------------------------------------------------
from types import SimpleNamespace  # noqa: E402

from services.rooms import monitoring as room_rules  # noqa: E402
from services.rooms.usage import RoomUsage, Usage  # noqa: E402


@pytest.mark.parametrize("open_minutes,booked,threshold,fires", [
    (6000, 600, 20, True),       # 10% booked, threshold 20%
    (6000, 1200, 20, False),     # exactly on the threshold: not "hardly"
    (6000, 1140, 20, True),      # 19%
    (6000, 0, 0, False),         # a threshold of 0 never fires
    (0, 0, 20, False),           # no opening hours in the window: cannot be judged
])
def test_hardly_used_finding(open_minutes, booked, threshold, fires):
    recent = Usage(date(2026, 5, 4), open_minutes, booked, 0)
    usage = RoomUsage(SimpleNamespace(id=3, name="Ontmoetingsruimte"), [], [], recent,
                      threshold)
    finding = room_rules.hardly_used_finding(usage, 6, "/gebruik")
    assert (finding is not None) is fires
    if fires:
        assert finding.subject == "room:3" and finding.severity == "warning"
        assert f"{round(booked * 100 / open_minutes)}% van de openingsuren" \
            in finding.explanation and f"drempel {threshold}%" in finding.explanation


@pytest.mark.parametrize("waiting,oldest,title", [
    (0, 0, None),
    (1, 9, "1 aanvraag voor de ruimte wacht op antwoord"),
    (3, 21, "3 aanvragen voor de ruimte wachten op antwoord"),
])
def test_waiting_finding(waiting, oldest, title):
    finding = room_rules.waiting_finding(waiting, oldest, 7, "/aanvragen")
    assert (finding.title if finding else None) == title
    if finding:
        assert f"De oudste wacht {oldest} dagen" in finding.explanation
        assert "binnen 7 dagen" in finding.explanation


# --- association ---------------------------------------------------------------------------
from decimal import Decimal  # noqa: E402

from services.association import monitoring as assoc_rules  # noqa: E402

TODAY_ASSOC = date(2026, 6, 15)


@pytest.mark.parametrize("households,total,oldest,severity,text", [
    (0, Decimal(0), None, None, None),
    (1, Decimal("24.00"), date(2026, 5, 1), "info", "€ 24,00 open"),
    (2, Decimal("48.00"), TODAY_ASSOC - timedelta(days=90), "info", "sinds 17 maart 2026"),
    (2, Decimal("48.00"), TODAY_ASSOC - timedelta(days=91), "warning", "sinds 16 maart 2026"),
    (3, Decimal("1234.50"), None, "info", "€ 1.234,50 open na de betaaldatum."),
])
def test_dues_finding(households, total, oldest, severity, text):
    finding = assoc_rules.dues_finding("Bewonersvereniging", households, total, oldest,
                                       TODAY_ASSOC, "/achterstanden")
    assert (finding.severity if finding else None) == severity
    if finding:
        assert finding.audience == "bestuur"       # money of named households: board only
        noun = "huishouden" if households == 1 else "huishoudens"
        assert f": {households} {noun} met een achterstand" in finding.title
        assert "(s)" not in finding.title and text in finding.explanation


@pytest.mark.parametrize("office", ["voorzitter", "secretaris", "penningmeester"])
def test_vacancy_finding(office):
    finding = assoc_rules.vacancy_finding("Bewonersvereniging", office, "/bestuur")
    assert finding.subject == f"office:{office}" and finding.severity == "warning"
    assert finding.title == f"Bewonersvereniging: geen {office}"
    assert finding.audience == "site"
