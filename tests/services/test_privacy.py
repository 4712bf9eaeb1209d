"""AVG: the export of one person's data, and anonymisation after the retention period
on the demo data: the mix history, hours and decisions keep their figures and no
personal field of an anonymised person remains."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from models import (AuditEvent, BodyDecision, Candidate, HourEntry, ImoMeeting, Resident, Site,
                    SupportPeriod, User)
from services.errors import RuleViolation
from services.imo import candidates as candidate_service
from services.imo.rules import CLOSED
from services.privacy import export, retention
from services.registry.mix import site_mix
from services.seed.demo import seed_demo
from tests.conftest import TODAY, build_world
from tests.web.imo_support import DIRK, FALLBACK, build_imo

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)
FAR = date(2100, 1, 1)


def _imo_world(session):
    """The conftest world plus the IMO data of the web tests (which take plain ids)."""
    world = build_world(session)
    ids = SimpleNamespace(site=world.site.id, other_site=world.other_site.id,
                          units={k: v.id for k, v in world.units.items()},
                          orgs={k: v.id for k, v in world.orgs.items()},
                          users={k: v.id for k, v in world.users.items()})
    return world, build_imo(session, ids)


def _unzip(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"gegevens.json", "LEESMIJ.txt"}
        return json.loads(archive.read("gegevens.json"))


def test_resident_export_holds_stay_care_history_candidate_file_and_audit(session):
    world, ids = _imo_world(session)
    pim = session.scalar(sa.select(Resident).where(Resident.name == "Pim Plaatsing"))
    data = _unzip(export.export(session, "resident", pim, actor_id=None, site_id=world.site.id,
                                now=NOW))
    assert data["kind"] == "resident" and data["resident"]["name"] == "Pim Plaatsing"
    assert data["home"]["unit"] == "A3"
    assert data["support_history"][0]["status"] == "onbegeleid"
    assert data["candidate_files"][0]["candidate"]["id"] == ids["pim"]
    assert data["candidate_files"][0]["imo_advice"][0]["advice"] == "positief"
    assert data["welcome_handover"]
    assert "move_in" in [e["action"] for e in data["audit_log"]]
    assert session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "export", AuditEvent.entity_id == pim.id))


def test_candidate_export_includes_soft_landing(session):
    world, ids = _imo_world(session)
    data = _unzip(export.export(session, "candidate", session.get(Candidate, ids["dirk"]),
                                actor_id=None, site_id=world.site.id, now=NOW))
    assert data["candidate"]["name"] == DIRK
    assert data["candidate"]["fallback_place"] == FALLBACK
    assert data["care_organisation"] == "Zorggroep De Linde"


def test_user_export_leaves_out_hashes(session):
    from services import api_tokens
    world = build_world(session)
    coach = world.users["communitycoach"]
    made = api_tokens.create_token(session, coach, "Dashboard", now=NOW)
    data = _unzip(export.export(session, "user", coach, actor_id=None, site_id=None, now=NOW))
    text = json.dumps(data)
    assert data["account"]["email"] == "coach@hofje.example"
    assert "password_hash" not in data["account"] and coach.password_hash not in text
    assert made.token.token_hash not in text and made.secret not in text
    assert data["api_tokens"][0]["name"] == "Dashboard"
    assert data["roles"][0]["role"] == "communitycoach"


def test_retention_periods_per_site(session):
    world = build_world(session)
    assert retention.periods_for(session, world.site.id) == retention.Periods(24, 12, False)
    retention.save_periods(session, world.site.id, resident_months=6, candidate_months=3,
                           actor_id=None, now=NOW)
    assert retention.periods_for(session, world.site.id) == retention.Periods(6, 3, True)
    for bad in (0, 241, None):
        with pytest.raises(RuleViolation):
            retention.save_periods(session, world.site.id, resident_months=bad,
                                   candidate_months=3, actor_id=None, now=NOW)


def test_due_after_the_period_and_dry_run_matches_the_job(session):
    world = build_world(session)
    vera = world.residents["vrij1"]
    from services.registry import residents as rs
    rs.record_move_out(session, vera, move_out=date(2024, 6, 1), reason="Verhuisd naar Utrecht",
                       actor_id=None)
    site_id = world.site.id
    assert retention.due_on_site(session, site_id, date(2026, 5, 31)) == []
    due = retention.due_on_site(session, site_id, date(2026, 6, 1))
    assert [(d.kind, d.record_id, d.due_on) for d in due] == [
        ("resident", vera.id, date(2026, 6, 1))]
    assert vera.name == "Vera Vrij"  # the dry run changes nothing
    counts = retention.apply_retention(session, date(2026, 6, 1), NOW)
    assert counts == {"residents": 1, "candidates": 0}
    assert vera.name.startswith("Geanonimiseerd") and vera.move_out_reason is None
    assert vera.anonymised_at is not None
    assert retention.apply_retention(session, date(2026, 6, 1), NOW) == {"residents": 0,
                                                                          "candidates": 0}


def _mix_history(session) -> dict:
    return {site.name: [(p.on, p.assessment.begeleid, p.assessment.total,
                         p.assessment.status)
                        for p in site_mix(session, site, TODAY, months=36).history]
            for site in session.scalars(sa.select(Site).order_by(Site.id))}


def _aggregates(session) -> tuple:
    return (session.scalar(sa.select(sa.func.sum(HourEntry.quarters))),
            session.scalar(sa.select(sa.func.count()).select_from(HourEntry)),
            session.scalar(sa.select(sa.func.count()).select_from(BodyDecision)),
            session.scalar(sa.select(sa.func.count()).select_from(SupportPeriod)),
            session.scalar(sa.select(sa.func.count()).where(Resident.actively_contributes)),
            sorted(session.execute(sa.select(Candidate.id, Candidate.status,
                                             Candidate.support_status)).all()))


def test_anonymising_the_demo_keeps_the_mix_history(session):
    seed_demo(session, today=TODAY, password="demo-wachtwoord")
    # the demo's waiting list is all open: one candidate withdraws (a closed file)
    withdrawing = session.scalar(sa.select(Candidate).order_by(Candidate.id).limit(1))
    candidate_service.ensure_default_reasons(session)
    reason = candidate_service.reasons(session, "teruggetrokken")[0]
    candidate_service.set_status(session, withdrawing, "teruggetrokken", on=TODAY,
                                 reason_id=reason.id, note=f"{withdrawing.name} belde af",
                                 actor_id=None)
    session.flush()
    before, aggregates = _mix_history(session), _aggregates(session)
    gone = session.execute(sa.select(Resident.id, Resident.name, Resident.email).where(
        Resident.move_out_date.is_not(None))).all()
    closed = session.execute(sa.select(Candidate.id, Candidate.name).where(
        Candidate.status.in_(CLOSED))).all()
    assert gone and closed, "the demo has people who moved out and closed files"

    counts = retention.apply_retention(session, FAR, NOW)
    session.flush()
    session.expire_all()
    assert counts == {"residents": len(gone), "candidates": len(closed)}
    assert _mix_history(session) == before
    assert _aggregates(session) == aggregates

    for resident_id, name, _email in gone:
        resident = session.get(Resident, resident_id)
        assert resident.name == f"Geanonimiseerd (bewoner {resident_id})"
        assert all(getattr(resident, f) is None for f in retention.RESIDENT_FIELDS)
        assert all(p.note is None for p in resident.support_periods)
    for candidate_id, _name in closed:
        candidate = session.get(Candidate, candidate_id)
        assert all(getattr(candidate, f) is None for f in retention.CANDIDATE_FIELDS)
        assert all(e.note is None for e in candidate.events)
    # no trace of their names in the audit log or in locked IMO minutes
    stored = json.dumps([e for e in session.scalars(sa.select(AuditEvent.changes))]) + \
        json.dumps([m for m in session.scalars(sa.select(ImoMeeting.snapshot))])
    for _id, name, email in gone:
        assert name not in stored and (email is None or email not in stored)
    for _id, name in closed:
        assert name not in stored
    # residents who still live there keep their data
    assert session.scalar(sa.select(sa.func.count()).where(
        Resident.move_out_date.is_(None), Resident.anonymised_at.is_not(None))) == 0


def test_the_privacy_job_is_scheduled_daily():
    from services.monitoring.jobs import JOBS
    job = JOBS["privacy"]
    assert job.cron == {"hour": 3, "minute": 30}
    assert job.period(date(2026, 6, 15)) == "2026-06-15"
    assert User  # (users are exported, never anonymised by the job)
