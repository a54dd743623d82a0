"""Toy form specs for the compliance tests of the checks, calendar, copies and pages: their content is what the
test sets (the common brief's content keys), so these tests do not depend on the real builders."""
from __future__ import annotations

import json

from backoffice.extensions import db
from compliance import registry
from compliance.models import Filing


def toy_spec(code: str, *, quarterly: bool = False, worker_list: str | None = None, exports=None,
             figures: dict | None = None) -> registry.FormSpec:
    figures = figures if figures is not None else {}
    return registry.FormSpec(
        code=code, title=f"Toy {code}", gather=lambda year, period: dict(figures.get((year, period.quarter), {})),
        build=lambda data: dict(data), periods=registry.quarterly if quarterly else registry.yearly,
        summary=lambda c: "toy", worker_list=worker_list, exports=exports or {})


def toy_pdf(content: dict, ctx) -> bytes:
    """A stand-in for a form's pdf export that honours the `worker_id` option: only that worker's entry."""
    wid = ctx.options.get("worker_id")
    rows = [e for e in content.get("employees", []) if wid is None or e["worker_id"] == wid]
    return b"%PDF-toy " + json.dumps(rows, sort_keys=True).encode()


def toy_json(content: dict, ctx) -> bytes:
    return json.dumps(content, sort_keys=True).encode()


def toy_efw2(content: dict, ctx) -> bytes:
    return "".join(ctx.reveal_tin("worker", e["worker_id"]) + "\n" for e in content.get("employees", [])).encode()


def add_filing(form: str, year: int, content: dict, quarter: int = 0, status: str = "draft", **kw) -> Filing:
    f = Filing(form=form, tax_year=year, quarter=quarter, state=kw.pop("state", ""), status="draft",
               title=f"Toy {form}", content=content, **kw)
    db.session.add(f)
    db.session.commit()
    return f
