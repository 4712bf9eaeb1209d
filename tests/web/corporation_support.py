"""A second woningcorporatie for the corporation-administrator tests: corporation B with
a site (Het Bolwerk), a unit and a sociaal beheerder there, an administrator of
corporation A (the world's corporation, owner of Het Hofje) and one of corporation B."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa

from models import Membership, OrgKind, Role, db
from services import accounts
from services.registry import sites as site_service
from tests.conftest import PASSWORD

ADMIN_A = "beheer@woonstichting-a.example"
ADMIN_B = "beheer@woonstichting-b.example"
SB_B = "sb@bolwerk.example"


def corporation_setup(app, world) -> dict[str, int]:
    """Make corporation B and the two corporation administrators; their ids."""
    with app.app_context():
        corp_b = site_service.save_organisation(db.session, None, name="Woonstichting B",
                                                kind=OrgKind.WONINGCORPORATIE, active=True,
                                                actor_id=None)
        site_b = site_service.save_site(db.session, None, site_service.SiteData(
            "Het Bolwerk", "Rijnstad", date(2024, 1, 1), corp_b.id), actor_id=None)
        unit_b = site_service.save_unit(db.session, site_b, None, site_service.UnitData(
            "Z1", "studio"), actor_id=None)
        made = {}
        for key, email, name, corp in (("user", ADMIN_A, "Beheer A", world.orgs["corp"]),
                                       ("admin_b", ADMIN_B, "Beheer B", corp_b.id),
                                       ("sb_b", SB_B, "Sociaal Bolwerk", None)):
            made[key] = accounts.save_user(db.session, None, email=email, name=name,
                                           password=PASSWORD, is_admin=False, active=True,
                                           actor_id=None, admin_of_corporation_id=corp)
        role_b = accounts.grant_role(db.session, made["sb_b"], site_id=site_b.id,
                                     role=Role.SOCIAAL_BEHEERDER, organisation_id=None,
                                     actor_id=None)
        db.session.commit()
        ids = {"site_b": site_b.id, "unit_b": unit_b.id, "corp_b": corp_b.id,
               "role_b": role_b.id, **{key: user.id for key, user in made.items()}}
        db.session.remove()
    return ids


def login_email(client, auth, email: str) -> None:
    auth.logout()
    assert auth.login(email).status_code == 302, f"login as {email} failed"


def roles_begun_on(app, day: date) -> None:
    """Let every role begin on ``day`` (the world's roles begin at the real date, which
    may lie after the app's fixed day)."""
    with app.app_context():
        db.session.execute(sa.update(Membership).values(
            created_at=datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc)))
        db.session.commit()
        db.session.remove()
