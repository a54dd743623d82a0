"""Workers' compensation: the premium each paycheck accrues per engagement, written with the run's paychecks, and
the agency's class codes and rates (dated, edited with history). The pure rule: payroll/engine/workers_comp.py."""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.money import ZERO
from payroll.models_workers_comp import WorkersCompPremium

from .common import id_in

BATCH = 2500        # ids per IN list (common.id_in)


def premiums_for(paycheck_ids: Iterable[int]) -> dict[tuple[int, int], Decimal]:
    """The workers' compensation premium accrued by each (paycheck id, engagement id) of the given paychecks, in
    dollars (a reversal paycheck's is negative). Paychecks with no premium (contractors, engagements without a
    class code) are absent. Read by billing (cost-plus lines) and margins."""
    ids = sorted({int(i) for i in paycheck_ids})
    out: dict[tuple[int, int], Decimal] = {}
    for start in range(0, len(ids), BATCH):
        part = ids[start:start + BATCH]
        for pid, eid, premium in db.session.execute(
                sa.select(WorkersCompPremium.paycheck_id, WorkersCompPremium.engagement_id,
                          WorkersCompPremium.premium).where(id_in(WorkersCompPremium.paycheck_id, part))):
            out[(pid, eid)] = out.get((pid, eid), ZERO) + premium
    return out
