"""accounts: invitations, the second factor (TOTP, recovery codes), HTML mail

Invitations to make an account with the roles the person will hold; per user a TOTP
secret, when it was confirmed and the last accepted time step; one-time recovery codes
(hashed); an HTML alternative for a mail in the outbox.

Revision ID: c7e2a9d41f06
Revises: c7e2a9d4b815
Create Date: 2026-12-07 09:30:00

"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'c7e2a9d41f06'
down_revision = 'c7e2a9d4b815'
branch_labels = None
depends_on = None

ROLES = ("sociaal_beheerder", "communitycoach", "begeleider", "bestuur", "kerngroep",
         "stuurgroep", "toelatingscommissie")


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))

    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_recovery_codes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')))
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'],
                              unique=False)

    op.create_table(
        'account_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('is_admin', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('sent_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('times_sent', sa.Integer(), server_default='1', nullable=False),
        sa.Column('accepted_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'],
                                name=op.f('fk_account_invitations_invited_by_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_account_invitations_user_id_users')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'],
                                name=op.f('fk_account_invitations_withdrawn_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_invitations')))
    with op.batch_alter_table('account_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_invitations_email'), ['email'],
                              unique=False)

    values = ", ".join(f"'{role}'" for role in ROLES)
    op.create_table(
        'invitation_roles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.CheckConstraint(f"role IN ({values})", name=op.f('ck_invitation_roles_role_valid')),
        sa.CheckConstraint("role <> 'begeleider' OR organisation_id IS NOT NULL",
                           name=op.f('ck_invitation_roles_begeleider_has_organisation')),
        sa.ForeignKeyConstraint(['invitation_id'], ['account_invitations.id'],
                                name=op.f('fk_invitation_roles_invitation_id_account_invitations')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_invitation_roles_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_invitation_roles_site_id_sites')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_roles')),
        sa.UniqueConstraint('invitation_id', 'site_id', 'role',
                            name=op.f('uq_invitation_roles_invitation_id_site_id_role')))
    with op.batch_alter_table('invitation_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_roles_invitation_id'),
                              ['invitation_id'], unique=False)


def downgrade():
    op.drop_table('invitation_roles')
    op.drop_table('account_invitations')
    op.drop_table('recovery_codes')
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('html_body')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_confirmed_at')
        batch_op.drop_column('totp_secret')
