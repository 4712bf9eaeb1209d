"""Template filters and globals: dates, percentages and Dutch labels for stored codes."""
from __future__ import annotations

from flask import Flask
from flask_babel import (format_date, format_datetime, format_decimal, get_locale,
                         lazy_gettext as _l)

LABELS = {
    "begeleid": _l("begeleid"),
    "onbegeleid": _l("onbegeleid"),
    "woningcorporatie": _l("woningcorporatie"),
    "zorgaanbieder": _l("zorgaanbieder"),
    "gemeente": _l("gemeente"),
    "welzijnsorganisatie": _l("welzijnsorganisatie"),
    "woonvereniging": _l("woonvereniging"),
    "sociaal_beheerder": _l("sociaal beheerder"),
    "communitycoach": _l("communitycoach"),
    "begeleider": _l("begeleider"),
    "bestuur": _l("bestuur woonvereniging"),
    "kerngroep": _l("kerngroep"),
    "stuurgroep": _l("stuurgroep"),
    "ok": _l("binnen de band"),
    "discuss": _l("bespreekpunt"),
    "out_of_band": _l("buiten de band"),
    "empty": _l("geen bewoners"),
    "high": _l("te veel begeleid"),
    "low": _l("te weinig begeleid"),
}


def label(code) -> str:
    return str(LABELS.get(str(code), code)) if code is not None else ""


def percent(value) -> str:
    if value is None:
        return "–"
    return format_decimal(float(value), format="#,##0.0") + "%"


def number(value) -> str:
    """A decimal the Dutch way (5,5), without needless zeros."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##")


def register(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_filter(label, "label")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")
    app.add_template_filter(lambda d: format_date(d, "d MMM yyyy") if d else "", "date")
    app.add_template_filter(lambda d: format_date(d, "MMM yyyy") if d else "", "monthyear")
    app.add_template_filter(lambda d: format_datetime(d, "d MMM yyyy HH:mm") if d else "",
                            "datetime")
