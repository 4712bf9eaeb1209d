"""users: session generation

A counter that is part of every login identity: raising it (logout, a new password,
deactivation, the last role gone, "overal uitloggen") ends every session and remember
cookie of the account at once, on every worker and host.

Revision ID: a1c3e5f70b21
Revises: 2d9d9db7fdc4
Create Date: 2026-12-07 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f70b21'
down_revision = '2d9d9db7fdc4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
