"""Template filters and globals: dates, percentages and Dutch labels for stored codes."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import flask_babel
from babel import dates, numbers
from flask import Flask
from flask_babel import (format_currency, format_datetime, get_locale,
                         gettext as _, lazy_gettext as _l, ngettext)

from app.i18n import current_locale
from services.governance.localtime import local_day
from services.hours.periods import PeriodKind, period_of_code

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


@lru_cache(maxsize=8192)
def _dated(on: date, pattern: str, language: str, territory: str | None) -> str:
    return dates.format_date(on, format=pattern, locale=f"{language}_{territory}"
                             if territory else language)


def format_date(on, format: str) -> str:
    """Flask-Babel's ``format_date`` (the request's language), remembered per day and
    pattern for a day: a chart labels two years of months, a list dates every row, and
    Babel takes tens of microseconds for each. An instant goes to Flask-Babel as it is."""
    if type(on) is not date:
        return flask_babel.format_date(on, format)
    locale = current_locale()
    if locale is None:
        return flask_babel.format_date(on, format)
    return _dated(on, format, locale.language, locale.territory)


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


def _day(on) -> date:
    """A date, the start of a period, or the local date of an instant."""
    if isinstance(on, datetime):
        return local_day(on)
    return getattr(on, "start", on)


def day_range(first: date, last: date, with_year: bool = False) -> str:
    """Two dates as a span a person reads at a glance: "7–13 dec", "29 dec – 4 jan";
    with the year "7–13 dec 2026", "29 dec 2025 – 4 jan 2026"."""
    if with_year and first.year != last.year:
        return f"{format_date(first, 'd MMM yyyy')} – {format_date(last, 'd MMM yyyy')}"
    tail = " yyyy" if with_year else ""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'd MMM' + tail)}"
    return f"{format_date(first, 'd MMM')} – {format_date(last, 'd MMM' + tail)}"


def week_label(on, with_year: bool = False) -> str:
    """The ISO week of a day (or of a week period) with its days: "week 50 (7–13 dec)".
    Week 1 can start in late December and week 53 end in January; the days say so."""
    day = _day(on)
    monday = day - timedelta(days=day.weekday())
    return _("week %(week)s (%(days)s)", week=monday.isocalendar()[1],
             days=day_range(monday, monday + timedelta(days=6), with_year))


def month_label(on) -> str:
    """A month as words: "november 2026"."""
    return format_date(_day(on), "MMMM yyyy") if on else ""


def period_label(period, with_year: bool = True) -> str:
    """A period of the hours reports in words: "week 23 (1–7 jun 2026)", "mei 2026",
    "2e kwartaal 2026 (apr–jun)", "2026"."""
    kind = PeriodKind(period.kind)
    if kind is PeriodKind.WEEK:
        return week_label(period.start, with_year=with_year)
    if kind is PeriodKind.MONTH:
        return month_label(period.start)
    if kind is PeriodKind.QUARTER:
        last = period.end - timedelta(days=1)
        return _("%(n)se kwartaal %(year)s (%(months)s)", n=(period.start.month - 1) // 3 + 1,
                 year=period.start.year, months=f"{format_date(period.start, 'LLL')}–"
                                                f"{format_date(last, 'LLL')}")
    return str(period.start.year)


def code_label(code) -> str:
    """A stored period code in words (a job's week, month or day): "2026-W25" is
    "week 25 (15–21 jun 2026)", "2026-05" "mei 2026", "2026-06-16" "16 jun 2026"; any
    other code stays as it is."""
    text = str(code or "")
    period = period_of_code(text)
    if period is not None:
        return period_label(period)
    try:
        return format_date(date.fromisoformat(text), "d MMM yyyy")
    except ValueError:
        return text


def duration(minutes) -> str:
    """Minutes as a person says them: "45 minuten", "5 uur", "1,5 uur", "1 uur en 20
    minuten"."""
    if minutes is None:
        return "–"
    minutes = int(minutes)
    if minutes < 60:
        return ngettext("%(num)d minuut", "%(num)d minuten", minutes)
    if minutes % 30 == 0:
        return _("%(hours)s uur", hours=number(minutes / 60))
    return _("%(hours)s uur en %(minutes)s", hours=minutes // 60,
             minutes=ngettext("%(num)d minuut", "%(num)d minuten", minutes % 60))


def points(value) -> str:
    """A difference between two percentages: "5 procentpunt" (not "5,0%")."""
    if value is None:
        return "–"
    return _("%(n)s procentpunt", n=number(round(float(value), 1)))


def sentence(text) -> str:
    """The first letter a capital, the rest as it is ("week 50 (7–13 dec)" as a title)."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


def register(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_filter(label, "label")
    app.add_template_filter(route, "route")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")
    app.add_template_filter(euro, "euro")
    app.add_template_filter(week_label, "week_label")
    app.add_template_filter(month_label, "month_label")
    app.add_template_filter(period_label, "period_label")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(code_label, "code_label")
    app.add_template_filter(points, "points")
    app.add_template_filter(sentence, "sentence")
    app.add_template_filter(lambda d: format_date(d, "d MMM yyyy") if d else "", "date")
    app.add_template_filter(lambda d: format_date(d, "MMM yyyy") if d else "", "monthyear")
    app.add_template_filter(lambda d: format_datetime(d, "d MMM yyyy HH:mm") if d else "",
                            "datetime")
