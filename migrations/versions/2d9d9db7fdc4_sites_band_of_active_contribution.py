"""sites: band of active contribution

Each site keeps its own band for the share of residents contributing actively (seed 004
rule of thumb: about 50-70%), used by the monitoring rule and the association's participation
page; existing sites get 50-70%.

Revision ID: 2d9d9db7fdc4
Revises: 4999aff9004b
Create Date: 2026-12-02 06:33:04.977655

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d9d9db7fdc4'
down_revision = '4999aff9004b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active_share_low', sa.Numeric(precision=5, scale=4), server_default='0.5', nullable=False))
        batch_op.add_column(sa.Column('active_share_high', sa.Numeric(precision=5, scale=4), server_default='0.7', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_sites_active_band_ordered'),
            'active_share_low >= 0 AND active_share_low <= active_share_high '
            'AND active_share_high <= 1')


def downgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sites_active_band_ordered'), type_='check')
        batch_op.drop_column('active_share_high')
        batch_op.drop_column('active_share_low')

