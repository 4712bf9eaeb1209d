"""imo: candidate consents

A candidate's consent to have their characteristics discussed by the whole IMO, and its
withdrawal, as dated records that are never changed.

Revision ID: c7e2a9d41f03
Revises: a1c3e5f70b21
Create Date: 2026-12-07 09:40:00

"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c7e2a9d41f03'
down_revision = 'a1c3e5f70b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'imo_candidate_consents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('how', sa.String(length=200), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('gegeven', 'ingetrokken')",
                           name=op.f('ck_imo_candidate_consents_kind_valid')),
        sa.ForeignKeyConstraint(['candidate_id'], ['imo_candidates.id'],
                                name=op.f('fk_imo_candidate_consents_candidate_id_imo_candidates')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_imo_candidate_consents_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_imo_candidate_consents')))
    with op.batch_alter_table('imo_candidate_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imo_candidate_consents_candidate_id'),
                              ['candidate_id'], unique=False)


def downgrade():
    with op.batch_alter_table('imo_candidate_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imo_candidate_consents_candidate_id'))
    op.drop_table('imo_candidate_consents')
