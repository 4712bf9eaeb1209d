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


def test_the_shared_reason_list_becomes_one_per_corporation(tmp_path):
    """The reasons list was one for every site. Upgrading gives each corporation with
    sites (and each site without one) its own copy with the same active flags, and each
    recorded step keeps a reason of its own site's list with the same text; going down
    folds the copies into one list again."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from config import TestConfig

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'reasons.db'}"})
    with app.app_context():
        upgrade(revision="c7e2a9d41f03")
        with db.engine.begin() as conn:
            run = lambda sql, **p: conn.execute(sa.text(sql), p)  # noqa: E731
            for org_id, name in ((1, "Corporatie Een"), (2, "Corporatie Twee")):
                run("INSERT INTO organisations (id, name, kind, active) "
                    "VALUES (:i, :n, 'woningcorporatie', true)", i=org_id, n=name)
            for site_id, corporation in ((1, 1), (2, 1), (3, 2), (4, None)):
                run("INSERT INTO sites (id, name, municipality, project_start, corporation_id) "
                    "VALUES (:i, :n, 'Zwolle', '2025-01-01', :c)",
                    i=site_id, n=f"Locatie {site_id}", c=corporation)
            run("INSERT INTO imo_reason_options (id, kind, text, active) VALUES "
                "(1, 'teruggetrokken', 'Andere woning gevonden', true), "
                "(2, 'afgewezen', 'Past niet in de mix', false)")
            for candidate_id, site_id in ((1, 1), (2, 3), (3, 4)):
                run("INSERT INTO imo_candidates (id, site_id, name, household_size, "
                    "intake_route, support_status, registered_on, status, created_at, "
                    "woonzorgovereenkomst) VALUES (:i, :s, :n, 1, 'selectie', 'onbegeleid', "
                    "'2026-01-05', 'teruggetrokken', '2026-01-05 10:00:00', false)",
                    i=candidate_id, s=site_id, n=f"Kandidaat {candidate_id}")
                run("INSERT INTO imo_candidate_events (candidate_id, status, \"on\", "
                    "reason_id, recorded_at) VALUES (:i, 'teruggetrokken', '2026-02-01', 1, "
                    "'2026-02-01 10:00:00')", i=candidate_id)
        db.session.remove()
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT corporation_id, site_id, kind, text, active FROM imo_reason_options "
                "ORDER BY corporation_id, site_id, kind")).all()
            steps = conn.execute(sa.text(
                "SELECT c.site_id, r.corporation_id, r.site_id, r.text "
                "FROM imo_candidate_events e JOIN imo_candidates c ON c.id = e.candidate_id "
                "JOIN imo_reason_options r ON r.id = e.reason_id ORDER BY c.site_id")).all()
        owners = {(c, s) for c, s, *_ in rows}
        assert owners == {(1, None), (2, None), (None, 4)}
        for owner in owners:
            assert sorted((k, t, bool(a)) for c, s, k, t, a in rows if (c, s) == owner) == [
                ("afgewezen", "Past niet in de mix", False),
                ("teruggetrokken", "Andere woning gevonden", True)]
        assert [tuple(s) for s in steps] == [(1, 1, None, "Andere woning gevonden"),
                                             (3, 2, None, "Andere woning gevonden"),
                                             (4, None, 4, "Andere woning gevonden")]
        db.session.remove()
        downgrade(revision="c7e2a9d41f03")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, kind, text FROM imo_reason_options "
                                        "ORDER BY id")).all() == [
                (1, "teruggetrokken", "Andere woning gevonden"),
                (2, "afgewezen", "Past niet in de mix")]
            assert conn.execute(sa.text("SELECT DISTINCT reason_id FROM imo_candidate_events"
                                        )).scalars().all() == [1]
        db.engine.dispose()
