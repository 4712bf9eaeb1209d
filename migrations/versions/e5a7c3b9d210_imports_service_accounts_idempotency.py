"""imports, service accounts, idempotency keys, expiring tokens

Uploaded import files (kept until confirmed, then the record of the import), the column
mapping per organisation, service accounts with their scope per site, the answers to
POSTs sent with an Idempotency-Key, and an expiry time on API tokens.

Revision ID: e5a7c3b9d210
Revises: c7e2a9d41f06
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from models.base import UTCDateTime

# revision identifiers, used by Alembic.
revision = 'e5a7c3b9d210'
down_revision = 'c7e2a9d41f06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('file_hash', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('registry', 'members')",
                           name=op.f('ck_import_files_kind_valid')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_import_files_site_id_sites')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_import_files_uploaded_by_id_users')),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_import_files_confirmed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_files')))
    with op.batch_alter_table('import_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_files_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_import_files_site_hash', ['site_id', 'kind', 'file_hash'],
                              unique=False)
    op.create_table(
        'import_mappings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('columns', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('registry', 'members')",
                           name=op.f('ck_import_mappings_kind_valid')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_import_mappings_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mappings')),
        sa.UniqueConstraint('owner', 'kind', name=op.f('uq_import_mappings_owner_kind')))
    op.create_table(
        'service_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_service_accounts_organisation_id_organisations')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_service_accounts_user_id_users')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_service_accounts_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_accounts')),
        sa.UniqueConstraint('user_id', name=op.f('uq_service_accounts_user_id')))
    with op.batch_alter_table('service_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_accounts_organisation_id'),
                              ['organisation_id'], unique=False)
    op.create_table(
        'service_account_sites',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('can_write', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['service_accounts.id'],
                                name=op.f('fk_service_account_sites_account_id_service_accounts')),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'],
                                name=op.f('fk_service_account_sites_site_id_sites')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_account_sites')),
        sa.UniqueConstraint('account_id', 'site_id',
                            name=op.f('uq_service_account_sites_account_id_site_id')))
    with op.batch_alter_table('service_account_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_account_sites_site_id'), ['site_id'],
                              unique=False)
    op.create_table(
        'api_idempotency_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('response_body', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_idempotency_keys_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotency_keys')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_api_idempotency_keys_user_id_key')))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    op.drop_table('api_idempotency_keys')
    with op.batch_alter_table('service_account_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_account_sites_site_id'))
    op.drop_table('service_account_sites')
    with op.batch_alter_table('service_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_accounts_organisation_id'))
    op.drop_table('service_accounts')
    op.drop_table('import_mappings')
    with op.batch_alter_table('import_files', schema=None) as batch_op:
        batch_op.drop_index('ix_import_files_site_hash')
        batch_op.drop_index(batch_op.f('ix_import_files_site_id'))
    op.drop_table('import_files')
