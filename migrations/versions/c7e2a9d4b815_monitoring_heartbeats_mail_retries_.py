"""monitoring: scheduler heartbeats, mail retry times, installation signals

One heartbeat row per scheduler process; the outbox's next attempt time for its
retries over about a day; signals about the installation itself (no site, audience
"admin"), unique by rule, subject and period among themselves.

Revision ID: c7e2a9d4b815
Revises: d4b8f1e6a2c9
Create Date: 2026-12-07 09:45:00

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = 'c7e2a9d4b815'
down_revision = 'd4b8f1e6a2c9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduler_heartbeats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('started_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('beat_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_heartbeats')),
    sa.UniqueConstraint('worker', name=op.f('uq_scheduler_heartbeats_worker'))
    )
    with op.batch_alter_table('scheduler_heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_heartbeats_beat_at'), ['beat_at'],
                              unique=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True),
                                      nullable=True))

    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.alter_column('site_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('uq_signals_installation', ['rule', 'subject', 'period'],
                              unique=True, sqlite_where=sa.text('site_id IS NULL'),
                              postgresql_where=sa.text('site_id IS NULL'))


def downgrade():
    op.execute("DELETE FROM signals WHERE site_id IS NULL")
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index('uq_signals_installation')
        batch_op.alter_column('site_id', existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')

    with op.batch_alter_table('scheduler_heartbeats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_heartbeats_beat_at'))

    op.drop_table('scheduler_heartbeats')
