"""Money as ``Decimal`` (never float): parsing amounts as Dutch banks and people write
them, rounding to cents, reductions and the pro-rata share of a yearly contribution.
Pure functions."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
#: the books hold amounts below EUR 100 million (Numeric(10, 2))
MAX_AMOUNT = Decimal("100000000")
ZERO = Decimal("0.00")
_AMOUNT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def cents(value: Decimal | int) -> Decimal:
    """Rounded to whole cents, half up (5,005 -> 5,01)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """An amount as written in a Dutch bank export or by a person: "1.234,56", "-12,50",
    "+5,00", "€ 7,5", "12.50", "1,234.56" -> Decimal; ValueError when it is no amount.

    With both separators, the last one is the decimal separator. A lone comma is a
    decimal comma. A lone dot followed by one or two digits is a decimal point;
    otherwise dots group thousands ("1.234" = 1234), as in Dutch writing.
    """
    raw = (text or "").strip().replace("€", "").replace("EUR", "").replace(" ", "")
    raw = raw.replace("\u00a0", "")
    sign = ""
    if raw and raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:]
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        raw = raw.replace(grouping, "").replace(decimal_mark, ".")
    elif "," in raw:
        if raw.count(",") > 1:
            raise ValueError(text)
        raw = raw.replace(",", ".")
    elif raw.count(".") == 1 and len(raw.split(".")[1]) in (1, 2):
        pass
    else:
        raw = raw.replace(".", "")
    if not _AMOUNT.match(raw):
        raise ValueError(text)
    try:
        return cents(Decimal(sign + raw))
    except InvalidOperation:
        raise ValueError(text) from None


def reduced(amount: Decimal, percent: Decimal | None) -> Decimal:
    """``amount`` less ``percent`` % (100 = nothing to pay), rounded to cents."""
    if not percent:
        return cents(amount)
    return cents(amount * (Decimal(100) - Decimal(percent)) / Decimal(100))


def pro_rata(yearly: Decimal, months: int) -> Decimal:
    """The part of a yearly contribution for ``months`` whole months (12 = all of it)."""
    return cents(yearly * Decimal(months) / Decimal(12))


def euro(amount: Decimal) -> str:
    """An amount in Dutch for letters and texts stored in Dutch: "€ 1.234,50"."""
    from babel.numbers import format_currency

    return format_currency(amount, "EUR", locale="nl_NL").replace("\xa0", " ")
