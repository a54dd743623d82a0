"""benefit portal: joins the two heads of issue 12 on this branch (0091 benefit plans, 0092 benefit codes); no schema

Revision ID: 0094_benefit_portal
Revises: 0091_benefit_plans, 0092_benefit_codes

The lead re-chains the issue's migrations in one line at merge; this file then goes (it changes nothing).
"""
from __future__ import annotations

revision = '0094_benefit_portal'
down_revision = ('0091_benefit_plans', '0092_benefit_codes')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
