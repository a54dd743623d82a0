"""localities: where local taxes place a worker's home and work site, and the locality of a paycheck's local lines

Revision ID: 0111_localities
Revises: 0110_runspeed

workers: municipality (when the taxing municipality is not the postal city), county, psd_code (Pennsylvania),
school_district (Ohio), local_certificate (DW-4 exemptions, PA LST exemption, Ohio IT 4 school district exemptions).
engagements: work_city, work_county, work_psd_code, work_transit_district (the work site; empty: the client's
address). paycheck_lines: locality (the locality code of a local tax line, W-2 box 20). All default to empty.
tax_deposits: tax may be LOCAL (local taxes withheld, planned for deposit by state).
"""
import sqlalchemy as sa
from alembic import op

revision = '0111_localities'
down_revision = '0110_runspeed'
branch_labels = None
depends_on = None

WORKER = (('municipality', 100), ('county', 60), ('psd_code', 6), ('school_district', 4))
ENGAGEMENT = (('work_city', 100), ('work_county', 60), ('work_psd_code', 6), ('work_transit_district', 8))


def upgrade():
    # plain ADD COLUMN (no batch copy: paycheck_lines keeps its partial index and 0110's triggers)
    for name, size in WORKER:
        op.add_column('workers', sa.Column(name, sa.String(size), nullable=False, server_default=''))
    op.add_column('workers', sa.Column('local_certificate', sa.JSON(), nullable=True))
    for name, size in ENGAGEMENT:
        op.add_column('engagements', sa.Column(name, sa.String(size), nullable=False, server_default=''))
    op.add_column('paycheck_lines', sa.Column('locality', sa.String(16), nullable=False, server_default=''))
    with op.batch_alter_table('tax_deposits') as batch:
        batch.drop_constraint('ck_tax_deposits_tax', type_='check')
        batch.create_check_constraint('ck_tax_deposits_tax', "tax in ('941','945','940','SIT','SUI','SPROG','LOCAL')")


def downgrade():
    op.execute("DELETE FROM tax_deposits WHERE tax = 'LOCAL'")
    with op.batch_alter_table('tax_deposits') as batch:
        batch.drop_constraint('ck_tax_deposits_tax', type_='check')
        batch.create_check_constraint('ck_tax_deposits_tax', "tax in ('941','945','940','SIT','SUI','SPROG')")
    with op.batch_alter_table('paycheck_lines') as batch:
        batch.drop_column('locality')
    with op.batch_alter_table('engagements') as batch:
        for name, _ in reversed(ENGAGEMENT):
            batch.drop_column(name)
    with op.batch_alter_table('workers') as batch:
        batch.drop_column('local_certificate')
        for name, _ in reversed(WORKER):
            batch.drop_column(name)
