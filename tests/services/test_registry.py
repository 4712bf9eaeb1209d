"""Registry services against a real database: rules, history, schema constraints."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from models import AppendOnlyError, AuditEvent, Resident, SupportPeriod, Unit
from services.registry import residents as rs
from services.registry import sites as site_service
from services.registry.mix import site_mix
from services.registry.mix_rules import MixStatus
from services.errors import RuleViolation
from tests.conftest import TODAY, build_world

BEGELEID = "begeleid"


@pytest.fixture
def w(session):
    return build_world(session)


def support(w, org="linde", hours="5"):
    return rs.SupportData(BEGELEID, w.orgs[org].id, Decimal(hours))


def test_site_mix_counts_parts_and_site(session, w):
    mix = site_mix(session, w.site, TODAY)
    assert (mix.whole.units, mix.whole.occupied, mix.whole.vacant) == (6, 4, 2)
    assert (mix.whole.assessment.begeleid, mix.whole.assessment.total) == (2, 4)
    by_name = {p.name: p for p in mix.parts}
    assert by_name["Blok A"].assessment.begeleid == 2
    assert by_name["Blok A"].assessment.status is MixStatus.OUT_OF_BAND
    assert by_name["Blok B"].assessment.begeleid == 0
    # the other site's begeleid resident is not counted here
    assert sum(p.assessment.total for p in mix.parts) == 4


def test_mix_history_is_exact_on_past_dates(session, w):
    resident = session.get(Resident, w.residents["vrij1"].id)
    rs.record_status_change(session, resident, valid_from=date(2025, 5, 10),
                            support=support(w), note="drager werd vrager", actor_id=None)
    rs.record_move_out(session, session.get(Resident, w.residents["anker"].id),
                       move_out=date(2025, 9, 1), reason="verhuisd", actor_id=None)
    history = {p.on: p.assessment for p in site_mix(session, w.site, TODAY, months=30).history}
    assert (history[date(2025, 5, 1)].begeleid, history[date(2025, 5, 1)].total) == (2, 4)
    assert (history[date(2025, 6, 1)].begeleid, history[date(2025, 6, 1)].total) == (3, 4)
    assert (history[date(2025, 9, 1)].begeleid, history[date(2025, 9, 1)].total) == (2, 3)
    assert history[date(2024, 1, 1)].total == 0  # before anyone moved in
    assert history[date(2024, 4, 1)].total == 4


def test_add_resident_refuses_an_occupied_unit(session, w):
    with pytest.raises(RuleViolation) as err:
        rs.add_resident(session, site_id=w.site.id, unit_id=w.units["A1"].id,
                        move_in=TODAY, person=rs.PersonalData("Nieuw"),
                        support=rs.SupportData("onbegeleid"), actor_id=None, today=TODAY)
    assert err.value.field == "unit_id"


def test_unit_is_free_from_the_move_out_date(session, w):
    resident = session.get(Resident, w.residents["vrij1"].id)
    rs.record_move_out(session, resident, move_out=date(2026, 7, 1), reason=None,
                       actor_id=None)
    unit = w.units["B1"]
    assert not rs.unit_is_free(session, unit, date(2026, 6, 30))
    assert rs.unit_is_free(session, unit, date(2026, 7, 1))
    assert unit.id in {u.id for u in rs.vacant_units(session, w.site.id, date(2026, 7, 1))}
    assert unit.id not in {u.id for u in rs.vacant_units(session, w.site.id, TODAY)}


def test_unit_of_another_site_is_refused(session, w):
    other_unit = session.scalar(sa.select(Unit).where(Unit.site_id == w.other_site.id))
    with pytest.raises(RuleViolation):
        rs.add_resident(session, site_id=w.site.id, unit_id=other_unit.id, move_in=TODAY,
                        person=rs.PersonalData("X"), support=rs.SupportData("onbegeleid"),
                        actor_id=None, today=TODAY)


@pytest.mark.parametrize("status,org,hours,field", [
    ("begeleid", None, None, "care_organisation_id"),
    ("begeleid", "corp", None, "care_organisation_id"),     # not a zorgaanbieder
    ("begeleid", "linde", "169", "indicated_hours"),
    ("begeleid", "linde", "-1", "indicated_hours"),
    ("onbegeleid", "linde", None, "care_organisation_id"),
    ("iets anders", None, None, "status"),
])
def test_support_data_is_checked(session, w, status, org, hours, field):
    with pytest.raises(RuleViolation) as err:
        rs.add_resident(session, site_id=w.site.id, unit_id=w.units["A3"].id, move_in=TODAY,
                        person=rs.PersonalData("Nieuw"),
                        support=rs.SupportData(status, w.orgs[org].id if org else None,
                                               Decimal(hours) if hours else None),
                        actor_id=None, today=TODAY)
    assert err.value.field == field
    assert session.scalar(sa.select(sa.func.count()).select_from(Resident).where(
        Resident.name == "Nieuw")) == 0


def test_status_change_keeps_history_and_refuses_no_change(session, w):
    resident = session.get(Resident, w.residents["linde"].id)
    with pytest.raises(RuleViolation):
        rs.record_status_change(session, resident, valid_from=TODAY,
                                support=support(w, hours="6"), note=None, actor_id=None)
    rs.record_status_change(session, resident, valid_from=TODAY,
                            support=rs.SupportData("onbegeleid"), note="afgesloten",
                            actor_id=None)
    periods = session.scalars(sa.select(SupportPeriod).where(
        SupportPeriod.resident_id == resident.id).order_by(SupportPeriod.id)).all()
    assert [p.status for p in periods] == ["begeleid", "onbegeleid"]
    with pytest.raises(RuleViolation):
        rs.record_status_change(session, resident, valid_from=date(2024, 2, 1),
                                support=support(w), note=None, actor_id=None)


def test_move_out_rules(session, w):
    resident = session.get(Resident, w.residents["vrij2"].id)
    with pytest.raises(RuleViolation):
        rs.record_move_out(session, resident, move_out=date(2024, 2, 1), reason=None,
                           actor_id=None)
    rs.record_move_out(session, resident, move_out=TODAY, reason="verhuisd",
                       actor_id=w.users["sociaal_beheerder"].id)
    with pytest.raises(RuleViolation):
        rs.record_move_out(session, resident, move_out=TODAY, reason=None, actor_id=None)
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_id == resident.id, AuditEvent.action == "move_out")).one()
    assert event.changes["move_out_date"] == TODAY.isoformat()


def test_schema_allows_one_current_resident_per_unshared_unit(session, w):
    unit = w.units["A1"]
    session.add(Resident(unit=unit, name="Dubbel", move_in_date=TODAY))
    with pytest.raises(IntegrityError):
        session.flush()


def test_schema_allows_several_in_a_shared_unit(session, w):
    unit = w.units["A3"]
    site_service.save_unit(session, w.site, unit, site_service.UnitData(
        "A3", "studio", w.parts["Blok A"].id, shared=True), actor_id=None)
    for name in ("Een", "Twee"):
        rs.add_resident(session, site_id=w.site.id, unit_id=unit.id, move_in=TODAY,
                        person=rs.PersonalData(name), support=rs.SupportData("onbegeleid"),
                        actor_id=None, today=TODAY)
    # the shared flag cannot be dropped while two people live there
    with pytest.raises(RuleViolation):
        site_service.save_unit(session, w.site, unit, site_service.UnitData(
            "A3", "studio", w.parts["Blok A"].id, shared=False), actor_id=None)


def test_schema_refuses_unordered_dates(session, w):
    resident = session.get(Resident, w.residents["vrij1"].id)
    resident.move_out_date = date(2020, 1, 1)
    with pytest.raises(IntegrityError):
        session.flush()


def test_schema_refuses_begeleid_without_organisation(session, w):
    session.add(SupportPeriod(resident_id=w.residents["vrij1"].id, valid_from=TODAY,
                              status="begeleid"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_audit_events_cannot_be_changed(session, w):
    event = session.scalars(sa.select(AuditEvent)).first()
    event.action = "iets anders"
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_audit_events_cannot_be_deleted(session, w):
    session.delete(session.scalars(sa.select(AuditEvent)).first())
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_every_registry_change_is_audited(session, w):
    resident = session.get(Resident, w.residents["vrij1"].id)
    rs.update_resident(session, resident, rs.PersonalData("Vera Vrij-Anders"),
                       actor_id=None, today=TODAY)
    event = session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_id == resident.id, AuditEvent.action == "update")).one()
    assert event.changes["name"] == ["Vera Vrij", "Vera Vrij-Anders"]
    # nothing changed: nothing logged
    rs.update_resident(session, resident, rs.PersonalData("Vera Vrij-Anders"),
                       actor_id=None, today=TODAY)
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_id == resident.id, AuditEvent.action == "update")) == 1


@pytest.mark.parametrize("name", ["Blok A", "blok a", "Ø", "Çour"])
def test_a_part_name_is_refused_twice_ignoring_case(session, w, name):
    """Also for letters SQLite's lower() leaves alone (an IntegrityError before)."""
    if name != "Blok A" and name.lower() != "blok a":
        site_service.add_part(session, w.site, name, actor_id=None)
    with pytest.raises(RuleViolation) as refused:
        site_service.add_part(session, w.site, name, actor_id=None)
    assert refused.value.field == "name"



@pytest.mark.parametrize("low,high,field", [
    ("0.5", "0.7", None), ("0.2", "0.4", None), ("0.6", "0.6", None),
    ("0.7", "0.5", "active_share_low"), ("-0.1", "0.7", "active_share_low"),
    ("0.5", "1.2", "active_share_high"),
])
def test_a_site_keeps_its_own_band_of_active_contribution(session, w, low, high, field):
    data = site_service.SiteData("Band", "Rijnstad", date(2024, 1, 1),
                                 active_share_low=Decimal(low), active_share_high=Decimal(high))
    if field is None:
        site = site_service.save_site(session, None, data, actor_id=None)
        assert site_service.active_band(site) == (Fraction(low), Fraction(high))
        return
    with pytest.raises(RuleViolation) as refused:
        site_service.save_site(session, None, data, actor_id=None)
    assert refused.value.field == field
