"""accounts: an invited role's end date

An invitation's role can carry the last day it will count (a coach's contract); the
membership made when the invitation is accepted gets that end date.

Revision ID: f2c8a4d6b731
Revises: e5f1a7c3b920
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f2c8a4d6b731'
down_revision = 'd8902ea82569'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation_roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('invitation_roles', schema=None) as batch_op:
        batch_op.drop_column('ends_on')
