"""Importing a site and a member list from files: reading, the dry run, confirming,
re-importing (nothing changes), a later export with two moves, and messy input."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import (AssociationMember, AuditEvent, ImportFile, ImportMapping, Resident,
                    Site, SupportPeriod, Unit)
from services.errors import RuleViolation
from services.imports import files
from services.imports.reading import parse_date, read_table
from services.registry import sites as site_service
from services.registry.mix import site_mix
from tests.conftest import TODAY, build_world

DATA = Path(__file__).resolve().parent.parent / "data"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def bongerd(session):
    world = build_world(session)
    site = site_service.save_site(session, None, site_service.SiteData(
        "De Bongerd", "Rijnstad", date(2024, 1, 1), world.orgs["corp"].id,
        world.orgs["vereniging"].id), actor_id=None)
    session.flush()
    return world, site


def run(session, site, name, kind="registry", actor=None, confirm=True, chosen=None):
    imported = files.upload(session, site, kind, file_name=name, content=sample(name),
                            actor_id=actor)
    dry = files.dry_run(session, site, imported, today=TODAY, may_write_care=True,
                        chosen=chosen)
    if confirm:
        files.confirm(session, site, imported, today=TODAY, may_write_care=True,
                      chosen=chosen, actor_id=actor)
        session.flush()
    return imported, dry


def by_line(plan) -> dict:
    return {row.line: row for row in plan.rows}


def test_parse_dates_as_exports_write_them():
    assert parse_date("15-06-2026") == date(2026, 6, 15)
    assert parse_date("1/6/2024") == date(2024, 6, 1)
    assert parse_date("2024-03-01 00:00:00") == date(2024, 3, 1)
    assert parse_date("45413") == date(2024, 5, 1)      # an Excel day number
    assert parse_date("31-02-2025") is None
    assert parse_date("morgen") is None


def test_csv_in_windows_1252_with_semicolons_is_read():
    table = read_table("leden.csv", sample("bongerd_leden_2026.csv"))
    assert table.headers == ["VHE", "Lidnummer", "Lid sinds", "Naam"]
    assert table.rows[1] == (3, ["A-02", "2", "01-04-2024", "Gijs Bakker"])


def test_csv_with_bom_and_commas_is_read():
    table = read_table("x.csv", sample("bongerd_rommelig.csv"))
    assert table.headers[0] == "Eenheidnummer"


def test_a_file_over_the_limit_is_refused_with_a_message(bongerd, session):
    _world, site = bongerd
    with pytest.raises(RuleViolation) as error:
        files.upload(session, site, "registry", file_name="groot.csv",
                     content=b"VHE;Huurder\r\n" + b"A;" + b"x" * (10 * 2**20), actor_id=None)
    assert "groter dan 5 MB" in str(error.value)
    assert session.scalar(sa.select(sa.func.count()).select_from(ImportFile)) == 0


def test_the_dry_run_maps_dutch_columns_and_saves_nothing(bongerd, session):
    _world, site = bongerd
    _imported, dry = run(session, site, "bongerd_export_2026_05.xlsx", confirm=False)
    assert dry.mapping["VHE"] == "unit"
    assert dry.mapping["Huurder"] == "name"
    assert dry.mapping["Ingangsdatum contract"] == "move_in"
    assert dry.mapping["Complex"] == ""
    rows = by_line(dry.plan)
    assert rows[2].outcome == "nieuw"
    assert any("Fenna Akkerman komt wonen in A-01 per 01-03-2024" in m.text
               for m in rows[2].messages)
    assert rows[9].outcome == "overgeslagen"          # the repeated B-01 row
    assert "regel 8" in rows[9].messages[0].text
    assert any("per 01-05-2024" in m.text for m in rows[5].messages)  # Excel day number
    assert dry.plan.counts["geweigerd"] == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Unit)
                          .where(Unit.site_id == site.id)) == 0


def test_confirm_imports_everything_once_and_again_changes_nothing(bongerd, session):
    world, site = bongerd
    actor = world.users["sociaal_beheerder"].id
    imported, _dry = run(session, site, "bongerd_export_2026_05.xlsx", actor=actor)
    units = session.scalar(sa.select(sa.func.count()).select_from(Unit)
                           .where(Unit.site_id == site.id))
    assert units == 12
    assert sorted(p.name for p in site.parts) == ["Blok A", "Blok B"]
    ivo = session.scalar(sa.select(Resident).where(Resident.name == "Ivo de Jong"))
    assert ivo.move_in_date == date(2024, 5, 1)
    [period] = ivo.support_periods
    assert (period.status, period.care_organisation_id, period.indicated_hours) == (
        "begeleid", world.orgs["anker"].id, Decimal("4.50"))
    mix = site_mix(session, site, TODAY)
    assert (mix.whole.assessment.begeleid, mix.whole.assessment.total) == (4, 10)
    assert imported.confirmed_by_id == actor and imported.content == b""
    assert imported.counts["nieuw"] == 12 and imported.counts["overgeslagen"] == 1
    logged = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.site_id == site.id, AuditEvent.changes["import_id"].as_integer()
        == imported.id))
    assert logged == 2 + 12 + 10   # parts, units, move-ins
    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    again, dry = run(session, site, "bongerd_export_2026_05.xlsx", actor=actor)
    assert dry.plan.counts["nieuw"] == dry.plan.counts["gewijzigd"] == 0
    assert again.counts["ongewijzigd"] == 12
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before + 1
    assert session.scalar(sa.select(ImportMapping.columns))["vhe"] == "unit"


def test_a_later_export_with_two_moves_changes_exactly_those(bongerd, session):
    _world, site = bongerd
    run(session, site, "bongerd_export_2026_05.xlsx")
    residents_before = session.scalar(sa.select(sa.func.count()).select_from(Resident))
    periods_before = session.scalar(sa.select(sa.func.count()).select_from(SupportPeriod))
    _imported, dry = run(session, site, "bongerd_export_2026_06.xlsx")
    changed = [row for row in dry.plan.rows if row.outcome not in ("ongewijzigd",
                                                                    "overgeslagen")]
    assert [row.values["unit"] for row in changed] == ["A-03", "B-02"]
    hanna = session.scalar(sa.select(Resident).where(Resident.name == "Hanna Claassen"))
    assert hanna.move_out_date == date(2026, 6, 1)
    lotte = session.scalar(sa.select(Resident).where(Resident.name == "Lotte Gerritsen"))
    assert lotte.move_out_date == date(2026, 5, 15)
    roos = session.scalar(sa.select(Resident).where(Resident.name == "Roos Mulder"))
    assert roos.move_in_date == date(2026, 5, 15) and roos.move_out_date is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Resident)) == \
        residents_before + 2
    assert session.scalar(sa.select(sa.func.count()).select_from(SupportPeriod)) == \
        periods_before + 2
    # the mix of a day before the moves is still the old one (dated history)
    old = site_mix(session, site, date(2026, 5, 1)).whole.assessment
    assert old.total == 10


def test_member_list_after_the_site(bongerd, session):
    world, site = bongerd
    run(session, site, "bongerd_export_2026_05.xlsx")
    imported, dry = run(session, site, "bongerd_leden_2026.csv", kind="members")
    assert dry.mapping == {"VHE": "unit", "Lidnummer": "number", "Lid sinds": "since",
                           "Naam": "name"}
    assert imported.counts["nieuw"] == 7
    member = session.scalar(sa.select(AssociationMember).where(AssociationMember.number == 2))
    assert member.resident.name == "Gijs Bakker" and member.starts_on == date(2024, 4, 1)
    again, dry = run(session, site, "bongerd_leden_2026.csv", kind="members")
    assert again.counts["ongewijzigd"] == 7 and not dry.plan.has_changes


def test_members_of_unknown_units_are_refused(bongerd, session):
    _world, site = bongerd
    _imported, dry = run(session, site, "bongerd_leden_2026.csv", kind="members",
                         confirm=False)
    assert dry.plan.counts["geweigerd"] == 7
    assert "A-01 bestaat niet op deze locatie" in dry.plan.rows[0].messages[0].text


def test_messy_rows_are_refused_with_reasons(bongerd, session):
    _world, site = bongerd
    run(session, site, "bongerd_export_2026_05.xlsx")
    _imported, dry = run(session, site, "bongerd_rommelig.csv", confirm=False)
    rows = by_line(dry.plan)
    assert "Z-99 bestaat niet" in rows[2].messages[0].text
    assert "in de toekomst" in rows[3].messages[0].text
    assert "ook bij een andere eenheid" in rows[4].messages[0].text
    assert "ook bij een andere eenheid" in rows[5].messages[0].text
    assert "Onleesbare datum '31-02-2025'" in rows[6].messages[0].text
    assert "Onbekende zorgaanbieder 'Zorghuis Nergens'" in rows[7].messages[0].text
    assert rows[8].outcome == "nieuw"                   # an Excel day number as text
    assert all(rows[n].outcome == "geweigerd" for n in range(2, 8))
    imported, _ = run(session, site, "bongerd_rommelig.csv")
    assert imported.counts == {"nieuw": 1, "gewijzigd": 0, "ongewijzigd": 0,
                               "geweigerd": 6, "overgeslagen": 0}
    sanne = session.scalar(sa.select(Resident).where(Resident.name == "Sanne Smit"))
    assert sanne.move_in_date == date(2025, 1, 1)


def test_an_occupied_unit_with_an_earlier_date_is_refused(bongerd, session):
    world, site = bongerd
    run(session, site, "bongerd_export_2026_05.xlsx")
    content = "VHE;Huurder;Ingangsdatum contract\r\nA-01;Iemand Anders;01-01-2024\r\n"
    imported = files.upload(session, site, "registry", file_name="a.csv",
                            content=content.encode(), actor_id=None)
    dry = files.dry_run(session, site, imported, today=TODAY, may_write_care=True)
    assert "woont Fenna Akkerman hier sinds 01-03-2024" in dry.plan.rows[0].messages[0].text


def test_a_mapping_without_the_unit_column_is_refused(bongerd, session):
    _world, site = bongerd
    imported = files.upload(session, site, "registry", file_name="a.csv",
                            content=b"Huurder;Datum\r\nX;01-01-2024\r\n", actor_id=None)
    with pytest.raises(RuleViolation) as error:
        files.dry_run(session, site, imported, today=TODAY, may_write_care=True)
    assert "Eenheidnummer" in str(error.value)


def test_a_failure_while_applying_saves_nothing(bongerd, session, monkeypatch):
    _world, site = bongerd
    imported = files.upload(session, site, "registry", file_name="x.xlsx",
                            content=sample("bongerd_export_2026_05.xlsx"), actor_id=None)
    session.commit()
    from services.imports import apply as apply_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module._Writer, "_audit", broken)  # fails at the last step
    with pytest.raises(RuntimeError, match="disk full"):
        files.confirm(session, site, imported, today=TODAY, may_write_care=True,
                      chosen=None, actor_id=None)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Unit)
                          .where(Unit.site_id == site.id)) == 0
    assert session.get(ImportFile, imported.id).confirmed_at is None
    assert session.get(Site, site.id).parts == []


def test_an_unconfirmed_upload_is_removed_after_a_day(bongerd, session):
    from datetime import datetime, timedelta, timezone

    _world, site = bongerd
    old = files.upload(session, site, "registry", file_name="oud.csv",
                       content=b"VHE;Huurder\r\nA;B\r\n", actor_id=None)
    old.uploaded_at = datetime.now(timezone.utc) - timedelta(days=2)
    session.flush()
    files.upload(session, site, "registry", file_name="nieuw.csv",
                 content=b"VHE;Huurder\r\nC;D\r\n", actor_id=None)
    names = session.scalars(sa.select(ImportFile.file_name)).all()
    assert names == ["nieuw.csv"]
