"""The flask commands: create-admin and the demo seed."""
import sqlalchemy as sa

from models import Membership, Resident, Site, User, db
from services.registry.mix import site_mix
from datetime import date

from services.seed import demo


def test_create_admin(app, runner):
    result = runner.invoke(args=["users", "create-admin", "--email", "Eerste@Voorbeeld.nl",
                                 "--name", "Eerste Beheerder", "--password", "lang-genoeg-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "eerste@voorbeeld.nl"))
        assert user.is_admin and user.check_password("lang-genoeg-1")


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(args=["users", "create-admin", "--email", "x@voorbeeld.nl",
                                 "--name", "X", "--password", "kort"])
    assert result.exit_code != 0
    assert "Kies een wachtwoord van minstens 12 tekens." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_seed_demo_is_idempotent_and_realistic(app, runner):
    first = runner.invoke(args=["seed", "demo", "--today", "2026-11-23"])
    assert first.exit_code == 0, first.output
    assert "sociaalbeheerder@hofje.example" in first.output
    second = runner.invoke(args=["seed", "demo", "--today", "2026-11-23"])
    assert "bestaat al" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 1
        site = db.session.scalar(sa.select(Site))
        mix = site_mix(db.session, site, date(2026, 11, 23))
        assert mix.whole.units == 72 and len(mix.parts) == 3
        assert mix.whole.vacant >= 1
        share = mix.whole.assessment.percentage
        assert 25 <= share <= 45  # roughly a third begeleid
        # two years of dated history, with move-outs
        assert mix.history[0].assessment.total > 50
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Resident).where(
            Resident.move_out_date.is_not(None))) >= 10
        roles = set(db.session.scalars(sa.select(Membership.role)))
        assert roles == {"sociaal_beheerder", "communitycoach", "begeleider", "bestuur",
                         "kerngroep", "stuurgroep", "toelatingscommissie"}


def test_seed_demo_if_empty_leaves_a_used_database_alone(app, runner, world):
    with app.app_context():
        users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 2
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before
