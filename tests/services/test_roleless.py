"""The privacy job deactivates accounts with no role left for 30 days and tells their
owner by mail through the outbox (no care data)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from models import AuditEvent, Membership, OutgoingMail, User
from services import accounts
from services.monitoring.jobs import get
from services.privacy.roleless import deactivate_roleless
from tests.conftest import TODAY, build_world

NOW = datetime(2026, 6, 15, 12, tzinfo=timezone.utc)


def _end_roles(session, user, on):
    for m in user.memberships:
        m.ends_on = on
    session.flush()


def test_an_account_whose_roles_ended_over_30_days_ago_is_deactivated(session):
    world = build_world(session)
    coach = world.users["communitycoach"]
    generation = coach.session_generation
    _end_roles(session, coach, TODAY - timedelta(days=31))
    assert deactivate_roleless(session, TODAY, NOW) == 1
    assert coach.active is False and coach.session_generation == generation + 1
    mail = session.scalar(sa.select(OutgoingMail).where(OutgoingMail.recipient_id == coach.id))
    assert mail.kind == "account_deactivated" and mail.to_address == coach.email
    assert "30 dagen geen rol" in mail.body
    for word in ("begeleid", "zorg", "Linde", "Anker", "bewoner", "Het Hofje"):
        assert word not in mail.body
    assert session.scalar(sa.select(AuditEvent).where(
        AuditEvent.entity_id == coach.id, AuditEvent.action == "update")).changes["active"] \
        == [True, False]
    assert deactivate_roleless(session, TODAY, NOW) == 0  # once


def test_thirty_days_are_not_yet_enough(session):
    world = build_world(session)
    coach = world.users["communitycoach"]
    _end_roles(session, coach, TODAY - timedelta(days=30))
    assert deactivate_roleless(session, TODAY, NOW) == 0
    assert coach.active is True


def test_a_current_role_elsewhere_or_admin_rights_keep_the_account(session):
    world = build_world(session)
    coach, admin = world.users["communitycoach"], world.users["admin"]
    _end_roles(session, coach, TODAY - timedelta(days=60))
    accounts.grant_role(session, coach, site_id=world.other_site.id, role="bestuur",
                        organisation_id=None, actor_id=None, today=TODAY)
    accounts.grant_role(session, admin, site_id=world.site.id, role="bestuur",
                        organisation_id=None, actor_id=None, today=TODAY)
    _end_roles(session, admin, TODAY - timedelta(days=60))
    session.refresh(coach, ["memberships"])
    assert deactivate_roleless(session, TODAY, NOW) == 0
    assert coach.active and admin.active


def test_an_account_that_never_held_a_role_is_left_alone(session):
    world = build_world(session)
    assert not world.users["none"].memberships
    assert deactivate_roleless(session, TODAY, NOW) == 0
    assert world.users["none"].active


def test_the_privacy_job_does_it(session):
    world = build_world(session)
    coach = world.users["communitycoach"]
    _end_roles(session, coach, TODAY - timedelta(days=45))
    result = get("privacy").run(session, TODAY, NOW)
    assert result["accounts_deactivated"] == 1 and coach.active is False
