"""Confirming an import writes in batches with a constant number of SQL statements per
batch, on SQLite and PostgreSQL (counted, not timed); a move-out ends the household's
membership; every unit and move-in of the file is told to the site's webhooks, with care
data only for who may see it."""
from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from models import AssociationMember, AuditEvent, Resident, SupportPeriod, Unit, db
from services import service_accounts
from services.association import members as member_service
from services.imports import apply, files
from services.registry import sites as site_service
from services.webhooks import endpoints, events
from tests.conftest import TODAY, build_world


def export(units: int, prefix: str = "", moved: int = 0) -> bytes:
    """A corporation's export: ``units`` units with their tenant, every third begeleid
    by De Linde; the first ``moved`` units have a new tenant since 1 June."""
    lines = ["VHE;Gebouw;Type;Huurder;Ingangsdatum contract;E-mail;Begeleiding;"
             "Zorgaanbieder;Geïndiceerde uren"]
    for n in range(1, units + 1):
        tenant, since = f"Huurder {prefix}{n}", "01-03-2024"
        if n <= moved:
            tenant, since = f"Nieuwe Huurder {prefix}{n}", "01-06-2026"
        begeleid = n % 3 == 0 and n > moved
        lines.append(";".join([
            f"{prefix}{n:04d}", f"Blok {'AB'[n % 2]}", "Studio", tenant, since,
            f"h{prefix}{n}@bewoner.example", "begeleid" if begeleid else "onbegeleid",
            "Zorggroep De Linde" if begeleid else "", "4,5" if begeleid else ""]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture
def world(session):
    found = build_world(session)
    session.commit()
    return found


def new_site(session, world, name: str):
    site = site_service.save_site(session, None, site_service.SiteData(
        name, "Rijnstad", date(2024, 1, 1), world.orgs["corp"].id,
        world.orgs["vereniging"].id), actor_id=None)
    session.commit()
    return site


def confirm(session, site, content: bytes) -> int:
    """Confirm a file; the statements it took."""
    imported = files.upload(session, site, "registry", file_name="export.csv",
                            content=content, actor_id=None)
    session.commit()
    count = {"n": 0}

    def counted(*args, **kwargs):
        count["n"] += 1

    sa.event.listen(db.engine, "before_cursor_execute", counted)
    try:
        files.confirm(session, site, imported, today=TODAY, may_write_care=True,
                      chosen=None, actor_id=None)
        session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    return count["n"]


def test_the_statements_per_batch_do_not_grow_with_the_rows(session, world, monkeypatch):
    monkeypatch.setattr(apply, "BATCH_ROWS", 25)
    confirm(session, new_site(session, world, "Warm"), export(5, "W"))  # the mapping is kept
    one, two, six = (confirm(session, new_site(session, world, f"S{n}"), export(n, f"S{n}-"))
                     for n in (25, 50, 150))
    per_batch = two - one
    assert 0 < per_batch < 12
    assert six == one + 5 * per_batch
    units = session.scalar(sa.select(sa.func.count()).select_from(Unit))
    assert units == 6 + 1 + 5 + 25 + 50 + 150       # the world's, the warm-up's, the files'
    # the next export: 5 or 15 moves (the rows with changes, one batch either way) take
    # the same statements
    few, many = (confirm(session, session.scalar(sa.select(site_service.Site).where(
        site_service.Site.name == name)), export(n, f"{name}-", moved=n // 10))
        for name, n in (("S50", 50), ("S150", 150)))
    assert many == few
    assert session.scalar(sa.select(sa.func.count()).select_from(Resident).where(
        Resident.move_out_date == date(2026, 6, 1))) == 5 + 15


def test_one_batch_takes_the_same_statements_for_few_rows_and_many(session, world):
    confirm(session, new_site(session, world, "Warm"), export(5, "W"))
    few = confirm(session, new_site(session, world, "Klein"), export(20, "K"))
    many = confirm(session, new_site(session, world, "Groot"), export(apply.BATCH_ROWS, "G"))
    assert few == many


def test_written_across_batches_as_in_one(session, world, monkeypatch):
    monkeypatch.setattr(apply, "BATCH_ROWS", 7)
    site = new_site(session, world, "Batches")
    confirm(session, site, export(30, "B"))
    residents = session.scalars(sa.select(Resident).join(Unit).where(
        Unit.site_id == site.id).order_by(Resident.id)).all()
    assert [r.name for r in residents] == [f"Huurder B{n}" for n in range(1, 31)]
    assert [r.unit.number for r in residents] == [f"B{n:04d}" for n in range(1, 31)]
    periods = {p.resident_id: p for p in session.scalars(sa.select(SupportPeriod).where(
        SupportPeriod.resident_id.in_([r.id for r in residents])))}
    assert [periods[r.id].status for r in residents][:3] == ["onbegeleid", "onbegeleid",
                                                             "begeleid"]
    assert periods[residents[2].id].care_organisation_id == world.orgs["linde"].id
    events_by_entity = session.execute(sa.select(AuditEvent.entity_type, sa.func.count())
                                       .where(AuditEvent.site_id == site.id)
                                       .group_by(AuditEvent.entity_type)).all()
    assert dict(events_by_entity) == {"unit": 30, "resident": 30, "site_part": 2,
                                      "site": 1, "import": 1}
    audited = {e.entity_id for e in session.scalars(sa.select(AuditEvent).where(
        AuditEvent.site_id == site.id, AuditEvent.entity_type == "resident"))}
    assert audited == {r.id for r in residents}


def test_a_move_out_by_import_ends_the_membership(session, world):
    site = new_site(session, world, "Leden")
    confirm(session, site, export(6, "L"))
    resident = session.scalar(sa.select(Resident).where(Resident.name == "Huurder L1"))
    member = member_service.add_member(session, site.association_id, resident_id=resident.id,
                                       starts_on=date(2024, 4, 1), actor_id=None)
    session.commit()
    confirm(session, site, export(6, "L", moved=1))
    session.refresh(member)
    assert member.ends_on == date(2026, 6, 1) and member.end_reason == "verhuisd"
    assert session.scalar(sa.select(sa.func.count()).select_from(AssociationMember).where(
        AssociationMember.resident_id == resident.id, AssociationMember.ends_on.is_(None))) == 0


def test_an_import_tells_the_webhooks(session, world, app, monkeypatch):
    monkeypatch.setattr(apply, "BATCH_ROWS", 4)
    site = new_site(session, world, "Haken")
    admin = world.users["admin"]
    made = {key: endpoints.create_endpoint(
        session, service_accounts.manager_of(session, admin), organisation_id=world.orgs[key].id,
        name=key, url=f"https://{key}.example.org/hook", events=list(events.EVENT_TYPES),
        site_ids=[site.id], actor_id=admin.id, secret_key="test-secret", allow_local=True)
        for key in ("corp", "anker")}
    session.commit()
    confirm(session, site, export(9, "H"))
    from models import WebhookDelivery
    sent = {key: [json.loads(d.body) for d in session.scalars(sa.select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == m.endpoint.id).order_by(WebhookDelivery.id))]
        for key, m in made.items()}
    for key in ("corp", "anker"):
        types = [p["type"] for p in sent[key]]
        assert types.count("unit.created") == 9 and types.count("resident.moved_in") == 9
    moved_in = [p["data"] for p in sent["corp"] if p["type"] == "resident.moved_in"]
    assert [d["support"]["status"] for d in moved_in][:3] == ["onbegeleid", "onbegeleid",
                                                             "begeleid"]
    assert all("support" not in p["data"] for p in sent["anker"])
    residents = session.scalars(sa.select(Resident).join(Unit).where(
        Unit.site_id == site.id).order_by(Resident.id)).all()
    assert [(d["resident_id"], d["unit_id"], d["unit_number"]) for d in moved_in] == [
        (r.id, r.unit_id, r.unit.number) for r in residents]
    created = [p["data"] for p in sent["anker"] if p["type"] == "unit.created"]
    assert [d["unit_id"] for d in created] == [r.unit_id for r in residents]
