"""imo: the reasons list belongs to the corporation (or to a site without one)

The list was shared by every site. Each corporation with sites (and each site without a
corporation) gets its own copy of the entries, with their active flags; the steps and
decisions already recorded keep pointing to an entry of their own site's list.

Revision ID: d4b8f1e6a2c9
Revises: c7e2a9d41f03
Create Date: 2026-12-07 10:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b8f1e6a2c9'
down_revision = 'c7e2a9d41f03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('imo_reason_options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corporation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f('uq_imo_reason_options_kind_text'), type_='unique')
        batch_op.create_foreign_key(
            batch_op.f('fk_imo_reason_options_corporation_id_organisations'),
            'organisations', ['corporation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_imo_reason_options_site_id_sites'),
                                    'sites', ['site_id'], ['id'])

    bind = op.get_bind()
    reasons = sa.table('imo_reason_options', sa.column('id', sa.Integer),
                       sa.column('corporation_id', sa.Integer),
                       sa.column('site_id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('text', sa.String), sa.column('active', sa.Boolean))
    sites = sa.table('sites', sa.column('id', sa.Integer),
                     sa.column('corporation_id', sa.Integer))
    candidates = sa.table('imo_candidates', sa.column('id', sa.Integer),
                          sa.column('site_id', sa.Integer))
    events = sa.table('imo_candidate_events', sa.column('id', sa.Integer),
                      sa.column('candidate_id', sa.Integer), sa.column('reason_id', sa.Integer))
    existing = bind.execute(sa.select(reasons.c.id, reasons.c.kind, reasons.c.text,
                                      reasons.c.active).order_by(reasons.c.id)).all()
    owners = []  # (corporation_id, site_id, the owner's site ids)
    by_corporation: dict[int, list[int]] = {}
    for site_id, corporation_id in bind.execute(
            sa.select(sites.c.id, sites.c.corporation_id).order_by(sites.c.id)):
        if corporation_id is None:
            owners.append((None, site_id, [site_id]))
        else:
            by_corporation.setdefault(corporation_id, []).append(site_id)
    owners[:0] = [(corp, None, ids) for corp, ids in by_corporation.items()]
    if existing and not owners:  # no site, so no candidate refers to an entry
        bind.execute(reasons.delete())
    for index, (corporation_id, site_id, site_ids) in enumerate(owners):
        for old_id, kind, text, active in existing:
            if index == 0:  # the first owner keeps the rows themselves
                bind.execute(reasons.update().where(reasons.c.id == old_id).values(
                    corporation_id=corporation_id, site_id=site_id))
                continue
            new_id = bind.execute(reasons.insert().values(
                corporation_id=corporation_id, site_id=site_id, kind=kind, text=text,
                active=active).returning(reasons.c.id)).scalar_one()
            bind.execute(events.update().where(
                events.c.reason_id == old_id,
                events.c.candidate_id.in_(sa.select(candidates.c.id).where(
                    candidates.c.site_id.in_(site_ids)))).values(reason_id=new_id))

    with op.batch_alter_table('imo_reason_options', schema=None) as batch_op:
        batch_op.create_check_constraint('one_owner',
                                         '(corporation_id IS NULL) <> (site_id IS NULL)')
        batch_op.create_index('uq_imo_reason_options_corporation_kind_text',
                              ['corporation_id', 'kind', 'text'], unique=True,
                              postgresql_where=sa.text('corporation_id IS NOT NULL'),
                              sqlite_where=sa.text('corporation_id IS NOT NULL'))
        batch_op.create_index('uq_imo_reason_options_site_kind_text',
                              ['site_id', 'kind', 'text'], unique=True,
                              postgresql_where=sa.text('site_id IS NOT NULL'),
                              sqlite_where=sa.text('site_id IS NOT NULL'))


def downgrade():
    # one shared list again: entries of the same kind and text fold into the oldest one
    # (the steps that used a copy point to it), the others stay as they are
    bind = op.get_bind()
    reasons = sa.table('imo_reason_options', sa.column('id', sa.Integer),
                       sa.column('kind', sa.String), sa.column('text', sa.String))
    events = sa.table('imo_candidate_events', sa.column('reason_id', sa.Integer))
    keep: dict[tuple[str, str], int] = {}
    for reason_id, kind, text in bind.execute(
            sa.select(reasons.c.id, reasons.c.kind, reasons.c.text).order_by(reasons.c.id)):
        first = keep.setdefault((kind, text), reason_id)
        if first != reason_id:
            bind.execute(events.update().where(events.c.reason_id == reason_id)
                         .values(reason_id=first))
            bind.execute(reasons.delete().where(reasons.c.id == reason_id))
    with op.batch_alter_table('imo_reason_options', schema=None) as batch_op:
        batch_op.drop_index('uq_imo_reason_options_site_kind_text')
        batch_op.drop_index('uq_imo_reason_options_corporation_kind_text')
        batch_op.drop_constraint(op.f('ck_imo_reason_options_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_imo_reason_options_site_id_sites'),
                                 type_='foreignkey')
        batch_op.drop_constraint(
            batch_op.f('fk_imo_reason_options_corporation_id_organisations'),
            type_='foreignkey')
        batch_op.drop_column('site_id')
        batch_op.drop_column('corporation_id')
        batch_op.create_unique_constraint(op.f('uq_imo_reason_options_kind_text'),
                                          ['kind', 'text'])
