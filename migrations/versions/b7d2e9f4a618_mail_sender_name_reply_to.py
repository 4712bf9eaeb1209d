"""mail: the sender's display name and the Reply-To of every outbox message

Revision ID: b7d2e9f4a618
Revises: e5f1a7c3b920
Create Date: 2026-12-07 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e9f4a618'
down_revision = 'e5f1a7c3b920'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
        batch_op.drop_column('sender_name')
