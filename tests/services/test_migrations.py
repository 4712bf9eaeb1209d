"""The migrations build exactly the schema the models describe (as `flask db check`)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import db


def test_migrations_match_models(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_naming_convention_names_constraints(app_ctx):
    names = {c.name for t in db.metadata.sorted_tables for c in t.constraints}
    assert "ck_residents_dates_ordered" in names
    assert "uq_users_email" in names


def test_a_used_sqlite_database_migrates_down_and_up_with_its_rows(tmp_path):
    """SQLite alters a table by copying it and dropping the old one (batch mode); with
    foreign keys enforced that drop failed as soon as other tables' rows referred to the
    table (an existing installation could not upgrade). The demo data goes down to the
    revision before this session's association and site changes and up again: every row
    stays, the foreign keys hold, and they are enforced again afterwards. Runs on its own
    SQLite file in both passes of the suite."""
    from datetime import date

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from config import TestConfig
    from services.seed import demo

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'used.db'}"})
    with app.app_context():
        upgrade()
        demo.seed_demo(db.session, today=date(2026, 6, 15), password="demo-password-1")
        db.session.commit()
        tables = [t.name for t in db.metadata.sorted_tables]

        def counts():
            with db.engine.connect() as conn:
                return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                        for t in tables}
        before = counts()
        assert before["assoc_payments"] > 0 and before["assoc_cash_entries"] > 0
        db.session.remove()
        downgrade(revision="89fb2747aaca")
        upgrade()
        assert counts() == before
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
