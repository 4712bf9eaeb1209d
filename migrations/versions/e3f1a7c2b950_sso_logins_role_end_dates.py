"""accounts: last login and its method, corporation administrators, role end dates

Per user the last completed login and how (password or a single sign-on provider) and the
woningcorporatie they administer, if any; per role membership when it was given (unknown
for older ones) and the last day it counts.

Revision ID: e3f1a7c2b950
Revises: e5a7c3b9d210
Create Date: 2026-12-07 10:30:00

"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e3f1a7c2b950'
down_revision = 'e5a7c3b9d210'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_login_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_method', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('admin_of_corporation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_users_admin_of_corporation_id_organisations'), 'organisations',
            ['admin_of_corporation_id'], ['id'])
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_column('ends_on')
        batch_op.drop_column('created_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_users_admin_of_corporation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('admin_of_corporation_id')
        batch_op.drop_column('last_login_method')
        batch_op.drop_column('last_login_at')
