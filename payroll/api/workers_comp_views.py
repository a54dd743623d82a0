"""Workers' comp API: the agency's class codes and rates (dated, with history)."""
from __future__ import annotations

import sqlalchemy as sa

from payroll.api.common import _page, blp
from payroll.api.schemas import WorkersCompClassArgs, WorkersCompClassPage
from payroll.models_workers_comp import WorkersCompClass


@blp.route("/workers-comp/classes")
@blp.arguments(WorkersCompClassArgs, location="query")
@blp.response(200, WorkersCompClassPage)
def list_workers_comp_classes(args):
    """Workers' compensation class codes and their rates per state (per $100 of payroll; per hour worked in WA), each
    with its effective dates and source; `on` keeps the rates in force that day."""
    f = []
    if args["state"]:
        f.append(WorkersCompClass.state == args["state"].upper())
    if args["class_code"]:
        f.append(WorkersCompClass.class_code == args["class_code"].upper())
    if args["on"]:
        f += [WorkersCompClass.effective_from <= args["on"],
              sa.or_(WorkersCompClass.effective_to.is_(None), WorkersCompClass.effective_to >= args["on"])]
    return _page(WorkersCompClass, "workers_comp_class", args, f,
                 (WorkersCompClass.state, WorkersCompClass.class_code, WorkersCompClass.effective_from))
