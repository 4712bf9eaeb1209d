"""notifications: one row per person and event, preferences per kind, personal feeds

The outbox may carry a calendar attachment and mail to somebody without an account (an
external party that asked for the room); a room booking date gets its iCalendar
SEQUENCE.

Revision ID: e5f1a7c3b920
Revises: e3f1a7c2b950
Create Date: 2026-12-07 10:15:00

"""
from alembic import op
import sqlalchemy as sa

import models.base


# revision identifiers, used by Alembic.
revision = 'e5f1a7c3b920'
down_revision = 'e3f1a7c2b950'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('ics', sa.Text(), nullable=True))

    with op.batch_alter_table('room_bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0',
                                      nullable=False))

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.Column('digest_period', sa.String(length=20), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("delivery IN ('now', 'digest', 'off', 'no_address')",
                       name=op.f('ck_notifications_delivery_valid')),
    sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mail.id'],
                            name=op.f('fk_notifications_mail_id_outgoing_mail')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notifications_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_digest', ['user_id', 'delivery',
                                                          'digest_period'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'],
                              unique=False)

    op.create_table('notification_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("delivery IN ('now', 'digest', 'off')",
                       name=op.f('ck_notification_preferences_delivery_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_notification_preferences_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('user_id', 'kind',
                        name=op.f('uq_notification_preferences_user_id_kind'))
    )

    op.create_table('personal_feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_personal_feed_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_personal_feed_tokens_token_hash'))
    )
    with op.batch_alter_table('personal_feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_feed_tokens_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('personal_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_feed_tokens_user_id'))
    op.drop_table('personal_feed_tokens')
    op.drop_table('notification_preferences')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index('ix_notifications_digest')
    op.drop_table('notifications')
    with op.batch_alter_table('room_bookings', schema=None) as batch_op:
        batch_op.drop_column('sequence')
    op.execute("DELETE FROM outgoing_mail WHERE recipient_id IS NULL")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('ics')
        batch_op.alter_column('recipient_id', existing_type=sa.Integer(), nullable=False)
