"""The ALV statement as tables for XLSX and CSV, with the same figures as the page and
the PDF (the table writers of services/hours/export.py)."""
from __future__ import annotations

from services.association.statement import AUDIT_ITEMS, Statement
from services.hours.export import Table, Translate, slug, untranslated


def closing_labels(s: Statement, _: Translate = untranslated) -> tuple[str, str]:
    """The head of the closing balance column and the label of the open dues: on 31
    December, or up to and including today in a year not over yet."""
    if s.complete:
        return _("31 december"), _("Openstaand op 31 december")
    day = s.through.strftime("%d-%m-%Y")
    return (_("t/m vandaag (%(date)s)", date=day),
            _("Openstaand t/m vandaag (%(date)s)", date=day))


def statement_tables(s: Statement, _: Translate = untranslated) -> list[Table]:
    amount = [_("Bedrag")]
    closing, open_label = closing_labels(s, _)
    tables = [
        Table(_("Inkomsten"), [_("Categorie"), *amount],
              [[line.name, line.amount] for line in s.income]
              + [[_("Totaal inkomsten"), s.total_income]]),
        Table(_("Uitgaven"), [_("Categorie"), *amount],
              [[line.name, line.amount] for line in s.expenses]
              + [[_("Totaal uitgaven"), s.total_expenses], [_("Resultaat"), s.result]]),
        Table(_("Saldo"), ["", _("1 januari"), closing],
              [[_("Bank"), s.start["bank"], s.end["bank"]],
               [_("Kas"), s.start["kas"], s.end["kas"]],
               [_("Totaal"), s.start["total"], s.end["total"]]]),
        Table(_("Begrotingen"), [_("Begroting"), _("Begroot"), _("Besteed"), _("Over")],
              [[b.name, b.budget, b.actual, b.left] for b in s.budgets]),
        Table(_("Contributie"), ["", *amount],
              [[open_label, s.open_dues],
               [_("Huishoudens met openstaande contributie"), s.households_behind],
               [_("Waarvan achterstallig (vervaldatum voorbij)"), s.overdue],
               [_("Huishoudens met een achterstand"), s.households_overdue],
               [_("Tegoed van leden"), s.credit]]),
        Table(_("Fondsen en subsidies"), [_("Naam"), _("Gever"), _("Toegekend"),
                                          _("Ontvangen dit jaar"), _("Einddatum")],
              [[g.name, g.funder, g.amount, g.received, g.ends_on] for g in s.grants]),
    ]
    return tables


def audit_table(rows, _: Translate = untranslated) -> Table:
    """The kascommissie's trail: every tick and untick."""
    texts = dict(AUDIT_ITEMS)
    return Table(_("Controle kascommissie"), [_("Moment"), _("Punt"), _("Afgevinkt"),
                                              _("Door"), _("Opmerking")],
                 [[row.recorded_at.strftime("%Y-%m-%d %H:%M"), _(texts[row.item]),
                   _("ja") if row.checked else _("nee"), row.checked_by_name, row.note or ""]
                  for row in rows])


def file_name(association: str, year: int, extension: str) -> str:
    return f"noaber-financieel-verslag-{slug(association)}-{year}.{extension}"
