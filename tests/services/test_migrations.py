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
