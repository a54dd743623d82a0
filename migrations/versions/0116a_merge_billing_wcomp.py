"""merge the billing (0114_billing) and workers' comp (0116_workers_comp) heads, both made from
0113_engagement_remote on parallel branches (the lead may re-chain them and drop this file)

Revision ID: 0116a_merge_billing_wcomp
Revises: 0114_billing, 0116_workers_comp
"""
revision = '0116a_merge_billing_wcomp'
down_revision = ('0114_billing', '0116_workers_comp')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
