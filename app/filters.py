"""Template filters and globals: dates, percentages and Dutch labels for stored codes."""
from __future__ import annotations

from functools import lru_cache

from babel import numbers
from flask import Flask
from flask_babel import (format_currency, format_date, format_datetime, get_locale,
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
    "toelatingscommissie": _l("toelatingscommissie"),
    "aangemeld": _l("aangemeld"),
    "in_bespreking": _l("in bespreking"),
    "advies_gegeven": _l("advies gegeven"),
    "besluit_corporatie": _l("besluit corporatie"),
    "geplaatst": _l("geplaatst"),
    "afgewezen": _l("afgewezen"),
    "teruggetrokken": _l("teruggetrokken"),
    "gegeven": _l("toestemming gegeven"), "ingetrokken": _l("toestemming ingetrokken"),
    "aangehouden": _l("aangehouden"),
    "positief": _l("positief"),
    "positief_onder_voorwaarden": _l("positief onder voorwaarden"),
    "negatief": _l("negatief"),
    "aanwezig": _l("aanwezig"),
    "afwezig_met_bericht": _l("afwezig met bericht"),
    "afwezig": _l("afwezig"),
    "informatieavond": _l("informatieavond"),
    "activiteit": _l("activiteit"),
    "kennismaking": _l("kennismaking"),
    "anders": _l("anders"),
    "licht": _l("licht"),
    "matig": _l("matig"),
    "zwaar": _l("zwaar"),
    "critical": _l("urgent"),
    "warning": _l("let op"),
    "info": _l("ter info"),
    "open": _l("open"),
    "acknowledged": _l("opgepakt"),
    "resolved": _l("opgelost"),
    "running": _l("bezig of onderbroken"),
    "failed": _l("mislukt"),
    "skipped": _l("overgeslagen"),
    "low": _l("te weinig begeleid"),
    # governance
    "communityteam": _l("communityteam"),
    "alv": _l("ALV"),
    "imo": _l("IMO"),
    "voorzitter": _l("voorzitter"),
    "secretaris": _l("secretaris"),
    "lid": _l("lid"),
    "adviseur": _l("adviseur"),
    "gepland": _l("gepland"),
    "afgelast": _l("afgelast"),
    "gedaan": _l("gedaan"),
    "vervallen": _l("vervallen"),
    "op_schema": _l("op schema"),
    "achter": _l("achter"),
    "niets_gepland": _l("niets gepland"),
    "geen_norm": _l("geen norm"),
    "gemachtigd": _l("gemachtigd"),
    "community": _l("communitybouw"),
    "mix": _l("passende mix"),
    "samenwerking": _l("samenwerking"),
    "ontmoeting": _l("ontmoeting"),
    "beheer": _l("intensief beheer"),
    "gebouw": _l("gebouw en omgeving"),
    "financiering": _l("financiering"),
    "niet_gestart": _l("niet gestart"),
    "loopt": _l("loopt"),
    "gereed": _l("gereed"),
    "samenwerkingsovereenkomst": _l("samenwerkingsovereenkomst"),
    "bestuurlijk_akkoord": _l("bestuurlijk akkoord"),
    "kort": _l("korter dan de geadviseerde 5 jaar"),
    "lang": _l("langer dan de geadviseerde 10 jaar"),
    # woonvereniging
    "penningmeester": _l("penningmeester"),
    "maand": _l("per maand"),
    "jaar": _l("per jaar"),
    "overboeking": _l("overboeking"),
    "incasso": _l("automatische incasso"),
    "contant": _l("contant"),
    "inkomsten": _l("inkomsten"),
    "uitgaven": _l("uitgaven"),
    "bank": _l("bank"),
    "kas": _l("kas"),
    "concept": _l("concept"),
    "verstuurd": _l("verstuurd"),
    "email": _l("e-mail"),
    "brief": _l("brief"),
    "betaling": _l("betaling van een lid"),
    "kasboek": _l("in het kasboek"),
    "genegeerd": _l("niet geboekt"),
    "organiseerde_activiteit": _l("organiseerde een activiteit"),
    "deed_mee": _l("deed mee aan een activiteit"),
    "helpt_buren": _l("helpt buren"),
    "commissie": _l("zit in een commissie"),
    "lidnummer": _l("lidnummer in de omschrijving"),
    "rekening": _l("eerder van deze rekening betaald"),
    "naam_bedrag": _l("naam en bedrag kloppen"),
    "naam": _l("alleen de naam klopt: controleer het bedrag"),
    "binnen": _l("binnen 50-70%"),
    "laag": _l("onder 50%"),
    "hoog": _l("boven 70%"),
    "leeg": _l("geen bewoners"),
}


ROUTES = {
    "zorgaanbieder": _l("voorgedragen door zorgaanbieder"),
    "selectie": _l("selectie door bewoners en corporatie"),
    "cooptatie": _l("coöptatie door de woonvereniging"),
}


def route(code) -> str:
    return str(ROUTES.get(str(code), code)) if code is not None else ""


def label(code) -> str:
    return str(LABELS.get(str(code), code)) if code is not None else ""


@lru_cache(maxsize=8192, typed=True)
def _formatted(value, pattern: str, locale: str) -> str:
    return numbers.format_decimal(value, format=pattern, locale=locale)


def format_decimal(value, format: str) -> str:
    """Flask-Babel's ``format_decimal`` (the request's language), remembered per value:
    a what-if table or an hours report formats the same few numbers hundreds of times,
    and Babel takes tens of microseconds for each."""
    return _formatted(value, format, str(get_locale()))


def percent(value) -> str:
    if value is None:
        return "–"
    return format_decimal(float(value), format="#,##0.0") + "%"


def number(value) -> str:
    """A decimal the Dutch way (5,5), without needless zeros."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##")


def euro(value) -> str:
    """An amount in euros in the user's language: € 1.234,50 (nl), €1,234.50 (en)."""
    return "–" if value is None else format_currency(value, "EUR")


def register(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_filter(label, "label")
    app.add_template_filter(route, "route")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")
    app.add_template_filter(euro, "euro")
    app.add_template_filter(lambda d: format_date(d, "d MMM yyyy") if d else "", "date")
    app.add_template_filter(lambda d: format_date(d, "MMM yyyy") if d else "", "monthyear")
    app.add_template_filter(lambda d: format_datetime(d, "d MMM yyyy HH:mm") if d else "",
                            "datetime")
