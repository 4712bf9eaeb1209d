"""Arguments and envelopes every list shares: pagination and a date range."""
from __future__ import annotations

import math
from datetime import date

import marshmallow as ma
from marshmallow import validate

MAX_PER_PAGE = 100


class DecimalText(ma.fields.String):
    """An exact decimal (hours) as text, e.g. "6.00": JSON numbers would round it."""

    def __init__(self, **kwargs):
        metadata = {"format": "decimal", "example": "6.00", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class PageArgs(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000),
                             metadata={"description": "pagina (vanaf 1)"})
    per_page = ma.fields.Integer(load_default=25, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                                 metadata={"description": f"regels per pagina (1-{MAX_PER_PAGE})"})


class DateRangeArgs(PageArgs):
    date_from = ma.fields.Date(data_key="from", load_default=None,
                               metadata={"description": "vanaf deze datum (inclusief)"})
    date_to = ma.fields.Date(data_key="to", load_default=None,
                             metadata={"description": "tot en met deze datum"})

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("'from' ligt na 'to'.", field_name="from")


class PageSchema(ma.Schema):
    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(required=True)
    pages = ma.fields.Integer(required=True)


_pages: dict[str, type[ma.Schema]] = {}


def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The envelope schema of a paginated list of ``item_schema`` (one class per item
    schema, so the OpenAPI document names it once)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _pages:
        _pages[name] = type(name, (PageSchema,), {
            "items": ma.fields.List(ma.fields.Nested(item_schema), required=True)})
    return _pages[name]


def paginate(items: list, args: dict) -> dict:
    """One page of an already filtered list (the lists of one site are small)."""
    page, per_page = args.get("page", 1), args.get("per_page", 25)
    start = (page - 1) * per_page
    return {"items": items[start:start + per_page], "page": page, "per_page": per_page,
            "total": len(items), "pages": max(1, math.ceil(len(items) / per_page))}


def in_range(on: date | None, args: dict) -> bool:
    """Whether ``on`` lies in the optional ``from``/``to`` range of the arguments."""
    if on is None:
        return args.get("date_from") is None and args.get("date_to") is None
    return ((args.get("date_from") is None or on >= args["date_from"])
            and (args.get("date_to") is None or on <= args["date_to"]))
