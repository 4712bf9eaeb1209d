"""Signals: idempotent storage, automatic resolution, audiences, and the sweep."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Resident, Signal
from models.enums import Role
from services.access import SiteAccess
from services.errors import RuleViolation
from services.monitoring import signals as signal_service
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.monitoring.sweep import sweep
from services.registry import residents as rs
from services.registry.disclosure import DisclosureRules
from tests.conftest import TODAY, build_world

NOW = datetime(2026, 6, 15, 6, 0, tzinfo=timezone.utc)


def finding(subject="site", severity="warning", period=ONGOING, audience="site"):
    return Finding("mix", subject, severity, f"Mix {subject}", "uitleg", period, audience)


@pytest.fixture
def w(session):
    return build_world(session)


def test_sync_is_idempotent_and_resolves_cleared_conditions(session, w):
    site = w.site.id
    first = signal_service.sync(session, site, [Evaluation("mix", (ONGOING,), (
        finding("site"), finding("part:1", "info")))], NOW)
    assert first.created == 2
    again = signal_service.sync(session, site, [Evaluation("mix", (ONGOING,), (
        finding("site"), finding("part:1", "info")))], NOW)
    assert (again.created, again.updated, again.resolved) == (0, 0, 0)
    assert session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 2
    cleared = signal_service.sync(session, site, [Evaluation("mix", (ONGOING,), (
        finding("site"),))], NOW)
    assert cleared.resolved == 1
    part = session.scalar(sa.select(Signal).where(Signal.subject == "part:1"))
    assert part.state == "resolved" and part.resolved_by_id is None
    back = signal_service.sync(session, site, [Evaluation("mix", (ONGOING,), (
        finding("site"), finding("part:1", "info")))], NOW)
    assert back.reopened == 1 and part.state == "open"


def test_signals_of_other_periods_stay_as_they_are(session, w):
    signal_service.sync(session, w.site.id, [Evaluation("care", ("2026-04",), (
        finding("org:1", period="2026-04"),))], NOW)
    signal_service.sync(session, w.site.id, [Evaluation("care", ("2026-05",), ())], NOW)
    assert session.scalar(sa.select(Signal.state)) == "open"


def _resolve_by_hand(session, signal, w):
    signal_service.acknowledge(session, signal, note="bespreken in IMO",
                               actor_id=w.users["admin"].id, now=NOW)
    signal_service.resolve(session, signal, note="besproken", actor_id=w.users["admin"].id,
                           now=NOW)


def test_a_signal_resolved_by_hand_stays_resolved_while_the_condition_persists(session, w):
    mix = lambda *found: [Evaluation("mix", (ONGOING,), found)]  # noqa: E731
    signal_service.sync(session, w.site.id, mix(finding()), NOW)
    signal = session.scalar(sa.select(Signal))
    with pytest.raises(RuleViolation):
        signal_service.resolve(session, signal, note=" ", actor_id=w.users["admin"].id, now=NOW)
    _resolve_by_hand(session, signal, w)
    for _sweep in range(2):   # the condition persists: no nagging
        again = signal_service.sync(session, w.site.id, mix(finding()), NOW)
        assert (again.created, again.reopened) == (0, 0) and signal.state == "resolved"
    # the condition clears: the hand-resolved signal keeps its history under another period
    cleared = signal_service.sync(session, w.site.id, mix(), NOW)
    assert cleared.archived == 1 and signal.period == f"-#{signal.id}"
    assert signal_service.sync(session, w.site.id, mix(), NOW).archived == 0
    # ... and comes back: a fresh open signal, once
    back = signal_service.sync(session, w.site.id, mix(finding()), NOW)
    assert back.created == 1
    assert signal_service.sync(session, w.site.id, mix(finding()), NOW).created == 0
    rows = session.scalars(sa.select(Signal).order_by(Signal.id)).all()
    assert [(s.period, s.state) for s in rows] == [(f"-#{signal.id}", "resolved"),
                                                   (ONGOING, "open")]
    assert rows[0].resolved_by_id == w.users["admin"].id and rows[0].resolve_note == "besproken"


def test_a_hand_resolved_signal_of_a_period_opens_again_in_that_period(session, w):
    care = lambda *found: [Evaluation("mix", ("2026-05",), found)]  # noqa: E731
    signal_service.sync(session, w.site.id, care(finding("org:1", period="2026-05")), NOW)
    _resolve_by_hand(session, session.scalar(sa.select(Signal)), w)
    signal_service.sync(session, w.site.id, care(), NOW)
    signal_service.sync(session, w.site.id, care(finding("org:1", period="2026-05")), NOW)
    assert session.scalar(sa.select(sa.func.count()).select_from(Signal).where(
        Signal.period == "2026-05", Signal.state == "open")) == 1


@pytest.mark.parametrize("roles,orgs,audience,visible", [
    ({Role.BESTUUR}, set(), "site", True),
    ({Role.BESTUUR}, set(), "management", False),
    ({Role.KERNGROEP}, set(), "management", True),
    ({Role.BESTUUR}, set(), "care:7", False),
    ({Role.BEGELEIDER}, {7}, "care:7", True),
    ({Role.BEGELEIDER}, {8}, "care:7", False),
    ({Role.STUURGROEP}, set(), "care:7", True),
    (set(), set(), "site", False),
    ({Role.BESTUUR}, set(), "imo", True),            # the IMO's members see the list
    ({Role.COMMUNITYCOACH}, set(), "imo", True),
    ({Role.TOELATINGSCOMMISSIE}, set(), "imo", True),
    ({Role.KERNGROEP}, set(), "imo", False),
    ({Role.STUURGROEP}, set(), "imo", False),
])
def test_audience(roles, orgs, audience, visible):
    access = SiteAccess(1, frozenset(roles), care_organisation_ids=frozenset(orgs))
    assert signal_service.visible(access, audience) is visible


#: published mix figures without a minimum cell or rounding, so the small world's mix
#: signals show (the disclosure rules themselves: tests/web/test_disclosure_attacks.py)
OPEN_FIGURES = DisclosureRules(min_cell=1, rounding=1, batch=1)


def test_sweep_on_the_world(session, w):
    counts = sweep(session, TODAY, NOW, OPEN_FIGURES)
    found = {(s.rule, s.subject): s for s in session.scalars(
        sa.select(Signal).where(Signal.site_id == w.site.id))}
    # 2 of 4 begeleid on a 6-unit site: 50% is a discussion point on a small site;
    # Blok A has both begeleid residents (100%): out of band
    assert found[("mix", "site")].severity == "info"
    part_a = found[("mix", f"part:{w.parts['Blok A'].id}")]
    assert part_a.severity == "warning" and "2 begeleide van 2" in part_a.explanation
    assert ("active_share", "site") in found   # nobody in the world contributes actively
    assert counts["sites"] == 2
    assert counts["created"] == session.scalar(sa.select(sa.func.count()).select_from(Signal))
    assert sweep(session, TODAY, NOW, OPEN_FIGURES)["created"] == 0
    # the mix recovers: two onbegeleid residents move into the vacant units; the
    # published figures follow on the first of the next month
    for number in ("A3", "B3"):
        rs.add_resident(session, site_id=w.site.id, unit_id=w.units[number].id, move_in=TODAY,
                        person=rs.PersonalData(f"Nieuw {number}"),
                        support=rs.SupportData("onbegeleid"), actor_id=None, today=TODAY)
    session.get(Resident, w.residents["linde"].id).actively_contributes = True
    sweep(session, TODAY, NOW, OPEN_FIGURES)
    assert found[("mix", "site")].state == "open"
    sweep(session, date(2026, 7, 1), NOW + timedelta(days=16), OPEN_FIGURES)
    assert found[("mix", "site")].state == "resolved"   # 2 of 6: in the band


def test_the_mix_explanation_names_the_sites_target(session, w):
    w.site.target_begeleid_share = Decimal("0.25")
    session.flush()
    sweep(session, TODAY, NOW, OPEN_FIGURES)
    part_a = session.scalar(sa.select(Signal).where(
        Signal.rule == "mix", Signal.subject == f"part:{w.parts['Blok A'].id}"))
    assert part_a.explanation.endswith("Het streefaandeel is 25,0%.")


def test_the_active_share_follows_the_sites_own_band(session, w):
    """1 of the world's 4 residents contributes (25%): out of the default 50-70% band,
    inside a site's own 20-40% band (and the explanation names that band)."""
    session.get(Resident, w.residents["linde"].id).actively_contributes = True
    sweep(session, TODAY, NOW)
    signal = session.scalar(sa.select(Signal).where(
        Signal.rule == "active_share", Signal.site_id == w.site.id))
    assert signal.state == "open" and "50,0% tot 70,0%" in signal.explanation
    w.site.active_share_low, w.site.active_share_high = Decimal("0.2"), Decimal("0.4")
    session.flush()
    sweep(session, TODAY, NOW)
    assert signal.state == "resolved"
    w.site.active_share_low = Decimal("0.3")
    session.flush()
    sweep(session, TODAY, NOW)
    reopened = session.scalars(sa.select(Signal).where(
        Signal.rule == "active_share", Signal.site_id == w.site.id,
        Signal.state == "open")).one()
    assert "30,0% tot 40,0%" in reopened.explanation


def test_candidates_to_invite_make_one_signal_for_the_imo(session, w):
    """The seed's tip as a signal: open candidates waiting 3 months or more without an
    information evening or activity in the last 6 (TODAY is 15 June 2026)."""
    from services.imo import candidates as cs

    access = SiteAccess(w.site.id, frozenset({Role.SOCIAAL_BEHEERDER}))

    def register(name, registered_on):
        return cs.register_candidate(session, access, cs.CandidateData(
            name=name, intake_route="selectie", support_status="onbegeleid",
            registered_on=registered_on), actor_id=None, today=TODAY)

    def invite_signal():
        sweep(session, TODAY, NOW)
        return session.scalar(sa.select(Signal).where(
            Signal.site_id == w.site.id, Signal.rule == "imo_invite"))

    register("Recent Aangemeld", date(2026, 4, 1))          # waiting 2.5 months: not yet
    assert invite_signal() is None
    long = register("Lang Wachtend", date(2026, 1, 10))
    also = register("Ook Wachtend", date(2025, 9, 1))
    signal = invite_signal()
    assert (signal.state, signal.audience, signal.figures) == ("open", "imo", {"candidates": 2})
    assert signal.title == "2 kandidaten wachten zonder recente activiteit: nodig uit"
    assert "Lang Wachtend" not in signal.title + signal.explanation   # a count, no names
    assert signal.link == f"/locaties/{w.site.id}/imo/"
    cs.add_fact(session, long, kind="activiteit", on=date(2026, 6, 1), note=None,
                actor_id=None, today=TODAY)
    assert invite_signal().figures == {"candidates": 1}
    cs.add_fact(session, also, kind="informatieavond", on=date(2026, 5, 20), note=None,
                actor_id=None, today=TODAY)
    assert invite_signal().state == "resolved"
