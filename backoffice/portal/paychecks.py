"""The worker's paychecks, read from payroll.models when the payroll-operations package provides them."""
from __future__ import annotations

import importlib

import sqlalchemy as sa

from backoffice.extensions import db
from backoffice.portal.access import own_rows


def paycheck_model():
    """payroll.models.Paycheck, or None while payroll operations has not shipped it."""
    try:
        module = importlib.import_module("payroll.models")
    except ModuleNotFoundError as exc:
        if exc.name in ("payroll.models",):
            return None
        raise
    return getattr(module, "Paycheck", None)


def _order_column(model):
    for name in ("pay_date", "check_date", "created_at", "id"):
        col = getattr(model, name, None)
        if col is not None:
            return col
    return model.id


def my_paychecks(limit: int | None = None) -> list:
    model = paycheck_model()
    if model is None:
        return []
    stmt = own_rows(sa.select(model), "paycheck").order_by(_order_column(model).desc(), model.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt).scalars())
