"""Exports of hour entries and reports as XLSX (openpyxl) and CSV.

Both formats hold the same tables with the same figures (hours rounded to two decimals,
half up). The CSV is what Dutch spreadsheet programs open directly: UTF-8 with a byte
order mark, ``;`` between fields and a decimal comma. Text that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
File names carry the site and the period: ``noaber-urenrapport-het-hofje-2026-05.xlsx``.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from openpyxl import Workbook

from services.errors import N_
from services.hours.entries import EntryRow
from services.hours.norms import Band
from services.hours.periods import Period, as_hours, quarters_to_hours
from services.hours.reports import HourReport, Line

Translate = Callable[..., str]


def untranslated(message: str, **params) -> str:
    """The Dutch message itself (the web layer passes Flask-Babel's ``gettext``)."""
    return message % params if params else message

CATEGORY_LABELS = {
    "communitycoach": N_("communitycoach"),
    "begeleider": N_("begeleider community-inzet"),
    "sociaal_beheer": N_("sociaal beheer"),
    "fysiek_beheer": N_("fysiek beheer"),
    "beheer": N_("intensief beheer (sociaal + fysiek)"),
    "overig": N_("overig afgesproken"),
    "totaal": N_("totaal"),
}
ACTIVITY_LABELS = {
    "outreach": N_("outreach en huisbezoeken"),
    "activiteit": N_("activiteit"),
    "overleg": N_("IMO- en teamoverleg"),
    "woonvereniging": N_("ondersteuning woonvereniging"),
    "signalering": N_("signalering"),
    "buurt": N_("verbinding met de buurt"),
    "beheer": N_("beheer gebouw en ruimte"),
    "overig": N_("overig"),
}
BASIS_LABELS = {
    "tabel": N_("vuistregel (tabel)"),
    "waakvlam": N_("waakvlam, 4 uur per maand"),
    "opgeschaald": N_("tijdelijk opgeschaald"),
    "eigen_norm": N_("eigen norm van de locatie"),
    "eigen_norm_nodig": N_("onder 40 wooneenheden: de locatie stelt een eigen norm vast"),
    "niet_gestart": N_("project nog niet gestart"),
}
STATUS_LABELS = {
    "under": N_("onder de norm"),
    "within": N_("binnen de norm"),
    "over": N_("boven de norm"),
    "no_norm": N_("geen norm"),
    "withheld": N_("niet getoond"),
}


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "locatie"


def file_name(what: str, site_name: str, period: Period, extension: str) -> str:
    return f"noaber-{what}-{slug(site_name)}-{period.code}.{extension}"


def _norm(band: Band | None) -> list:
    return [None, None] if band is None else [as_hours(band.low), as_hours(band.high)]


def _line(label: str, item: Line, _: Translate) -> list:
    status = _(STATUS_LABELS[item.status])
    if item.withheld:  # neither the norm nor the status: the status would bound the norm
        status = _("norm en status niet getoond: kleine groep")
    return [label, as_hours(item.actual), *_norm(item.norm), status]


def report_tables(report: HourReport, _: Translate = untranslated) -> list[Table]:
    """The report as tables: totals, and what the viewer may see of the rest."""
    head = [_("Geschreven uren"), _("Norm laag"), _("Norm hoog"), _("Status")]
    tables = [Table(_("Totalen per categorie"), [_("Categorie"), *head],
                    [_line(_(CATEGORY_LABELS[item.key]), item, _) for item in report.totals])]
    if report.organisations is not None:
        tables.append(Table(_("Per organisatie"), [
            _("Organisatie"), _("Alle geschreven uren"), _("Telt voor de norm"), *head[1:]],
            [[item.name or _("(geen organisatie)"), as_hours(item.logged_total or 0),
              *_line("", item, _)[1:]] for item in report.organisations]))
    sections = [(_("Communitycoach (gemeente)"), report.coach)]
    sections += [(_("10%%-inzet %(name)s", name=s.organisation), s) for s in report.care]
    sections.append((_("Intensief beheer (corporatie)"), report.management))
    for title, section in sections:
        if section is None:
            continue
        rows = [_line(item.period.code, item, _) for item in section.rows]
        rows.append(_line(_("Totaal"), section.total, _))
        tables.append(Table(title, [_("Periode"), *head], rows))
    return tables


def entry_table(rows: list[EntryRow], _: Translate = untranslated) -> Table:
    """Hour entries, one row each; withdrawn entries are marked and count for nothing."""
    return Table(_("Uren"), [
        _("Datum"), _("Persoon"), _("Organisatie"), _("Categorie"), _("Activiteit"),
        _("Uren"), _("Toelichting"), _("Corrigeert regel"), _("Ingetrokken"), _("Regel")],
        [[r.entry.work_date, r.person_name, r.organisation_name or "",
          _(CATEGORY_LABELS[r.entry.category]), _(ACTIVITY_LABELS[r.entry.activity_type]),
          quarters_to_hours(r.entry.quarters), r.entry.note or "",
          r.entry.corrects_entry_id or "", _("ja") if r.entry.withdrawn_at else "",
          r.entry.id] for r in rows])


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_xlsx(tables: list[Table]) -> bytes:
    """One worksheet per table (titles cut to Excel's 31 characters)."""
    book = Workbook()
    book.remove(book.active)
    for number, table in enumerate(tables, 1):
        title = re.sub(r"[\\/*?:\[\]]", "", table.title)[:28]
        sheet = book.create_sheet(f"{number} {title}"[:31])
        sheet.append([_safe(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_safe(value) for value in row])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = max(
                12, min(50, max(len(str(c.value or "")) for c in column) + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(_safe(value))


def to_csv(tables: list[Table]) -> bytes:
    """The tables one after the other, each with its title, separated by a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for number, table in enumerate(tables):
        if number:
            writer.writerow([])
        writer.writerow([_csv_value(table.title)])
        writer.writerow([_csv_value(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
