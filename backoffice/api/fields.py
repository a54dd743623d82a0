"""Bounded request fields for the API's marshmallow schemas: ids, pages, days and numbers each with a range, so a
query or body out of range is a 422 naming the field (and the range is in the OpenAPI document), never an integer
the database cannot hold or a Decimal its context cannot quantize."""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

from backoffice.dates import EARLIEST, LATEST
from backoffice.money import MONEY, NumberKind, number_problem
from backoffice.validation import MAX_ID

# Lists: at most MAX_PER_PAGE rows a page and MAX_PAGE pages (2,000,000 rows; filter rather than page further).
MAX_PER_PAGE = 200
MAX_PAGE = 10_000
MAX_DAYS = 3660                 # a count of days in a query (stuck for N days): ten years


def Id(**kw) -> fields.Integer:
    """A record id (1 .. MAX_ID)."""
    return fields.Integer(strict=False, validate=validate.Range(min=1, max=MAX_ID), **kw)


def Page(**kw) -> fields.Integer:
    return fields.Integer(load_default=kw.pop("load_default", 1),
                          validate=validate.Range(min=kw.pop("min", 1), max=MAX_PAGE),
                          metadata={"description": f"page number (at most {MAX_PAGE})"}, **kw)


def PerPage(**kw) -> fields.Integer:
    return fields.Integer(load_default=kw.pop("load_default", 50), validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"rows per page (at most {MAX_PER_PAGE})"}, **kw)


def Days(**kw) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=0, max=MAX_DAYS), **kw)


class Day(fields.Date):
    """An ISO date between backoffice.dates.EARLIEST and LATEST (what parse_date accepts)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST <= day <= LATEST:
            raise ValidationError(f"{day.isoformat()} is not between {EARLIEST.year} and {LATEST.year}")
        return day


class Number(fields.Decimal):
    """A Decimal of a kind (backoffice.money): finite, within the kind's range and scale; read and written as a
    string. The range is documented in the OpenAPI document as a pattern-free string with a description."""

    def __init__(self, kind: NumberKind = MONEY, places: int | None = None, **kw):
        self.kind, self.kind_places = kind, places
        metadata = dict(kw.pop("metadata", {}))
        metadata.setdefault("description", f"{kind.name}: a decimal string, at most {kind.maximum} in size and "
                                           f"{kind.places if places is None else places} decimal places")
        super().__init__(as_string=True, metadata=metadata, **kw)

    def _validated(self, value):
        d = super()._validated(value)
        if d is not None:
            problem = number_problem(d, self.kind, self.kind_places)
            if problem is not None:
                raise ValidationError(problem[1])
        return d


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in a URL: a record id from 1 to MAX_ID; anything else matches no route (404), where an id
    too large for the database used to reach it (OverflowError, a 500)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
