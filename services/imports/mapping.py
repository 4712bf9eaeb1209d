"""The fields an import knows, the column names exports use for them (Dutch and
English), and the mapping of a file's columns onto fields.

A mapping is ``{header: field}`` (``""``: the column is not read). It is made from the
mapping the organisation confirmed last, then from the known names; the dry-run page
lets the user change it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ImportKind, ImportMapping, Site, utcnow
from services.errors import N_, RuleViolation
from services.imports.reading import normalise_header


@dataclass(frozen=True)
class Field:
    key: str
    label: str          # Dutch msgid, as the template and the page show it
    aliases: tuple[str, ...]
    required: bool = False


REGISTRY_FIELDS = (
    Field("unit", N_("Eenheidnummer"), ("eenheidnummer", "eenheid nummer", "eenheid", "vhe",
                                        "vhe nummer", "vhe nr", "vhenummer", "wooneenheid",
                                        "huisnummer eenheid", "unit", "unit number"),
          required=True),
    Field("part", N_("Deel (gebouw, blok)"), ("deel", "gebouw", "blok", "vleugel", "complexdeel",
                                             "part", "building")),
    Field("unit_type", N_("Woningtype"), ("woningtype", "type woning", "type", "eenheidtype",
                                          "type eenheid", "soort woning", "unit type")),
    Field("shared", N_("Gedeelde eenheid"), ("gedeeld", "gedeelde eenheid", "shared")),
    Field("name", N_("Huurder"), ("huurder", "naam huurder", "bewoner", "naam bewoner", "naam",
                                  "contractant", "resident", "name")),
    Field("move_in", N_("Ingangsdatum contract"), (
        "ingangsdatum contract", "ingangsdatum", "ingang contract", "datum ingang",
        "startdatum contract", "startdatum", "verhuisdatum", "move in date", "move in")),
    Field("email", N_("E-mail"), ("e mail", "email", "e mailadres", "emailadres", "mail")),
    Field("phone", N_("Telefoon"), ("telefoon", "telefoonnummer", "tel", "mobiel", "phone")),
    Field("status", N_("Begeleiding"), ("begeleiding", "begeleid", "status", "zorgstatus",
                                        "support status")),
    Field("care_organisation", N_("Zorgaanbieder"), ("zorgaanbieder", "zorgorganisatie",
                                                     "care organisation")),
    Field("indicated_hours", N_("Geïndiceerde uren per week"), (
        "geindiceerde uren", "geindiceerde uren per week", "uren per week", "uren",
        "indicated hours")),
    Field("status_from", N_("Status vanaf"), ("status vanaf", "begeleiding vanaf",
                                              "status from")),
)

MEMBER_FIELDS = (
    Field("unit", N_("Eenheidnummer"), REGISTRY_FIELDS[0].aliases, required=True),
    Field("number", N_("Lidnummer"), ("lidnummer", "lid nummer", "lid nr", "lidnr",
                                      "member number")),
    Field("since", N_("Lid sinds"), ("lid sinds", "sinds", "lid vanaf", "ingangsdatum",
                                     "startdatum", "since"), required=True),
    Field("name", N_("Contactpersoon"), ("contactpersoon", "naam", "huurder", "bewoner",
                                         "name")),
)

FIELDS = {ImportKind.REGISTRY: REGISTRY_FIELDS, ImportKind.MEMBERS: MEMBER_FIELDS}


def fields_of(kind: str) -> tuple[Field, ...]:
    return FIELDS[ImportKind(kind)]


def owner_of(site: Site) -> str:
    """Whose mapping a site's imports use: its corporation's, or the site's own."""
    return f"org:{site.corporation_id}" if site.corporation_id else f"site:{site.id}"


def remembered(session: Session, site: Site, kind: str) -> dict[str, str]:
    row = session.scalar(sa.select(ImportMapping).where(ImportMapping.owner == owner_of(site),
                                                        ImportMapping.kind == kind))
    return dict(row.columns) if row else {}


def remember(session: Session, site: Site, kind: str, mapping: dict[str, str], *,
             actor_id: int | None) -> None:
    """Keep the confirmed mapping (by normalised header) for the organisation's next file."""
    columns = {normalise_header(h): f for h, f in mapping.items() if normalise_header(h)}
    row = session.scalar(sa.select(ImportMapping).where(ImportMapping.owner == owner_of(site),
                                                        ImportMapping.kind == kind))
    if row is None:
        session.add(ImportMapping(owner=owner_of(site), kind=kind, columns=columns,
                                  updated_by_id=actor_id))
    elif row.columns != columns:
        row.columns, row.updated_at, row.updated_by_id = columns, utcnow(), actor_id
    session.flush()


def guess(headers: list[str], kind: str, known: dict[str, str] | None = None) -> dict[str, str]:
    """A mapping of the headers: the remembered one first, then the known names; each
    field is read from one column at most (the first that matches)."""
    known = known or {}
    fields = fields_of(kind)
    keys = {f.key for f in fields}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = known.get(normalise_header(header), None)
        if field in keys and field not in taken:
            mapping[header], _ = field, taken.add(field)
    for header in headers:
        if header in mapping:
            continue
        name = normalise_header(header)
        field = next((f.key for f in fields if name in f.aliases and f.key not in taken), "")
        if field:
            taken.add(field)
        mapping[header] = field
    return mapping


def check(headers: list[str], kind: str, mapping: dict[str, str]) -> dict[str, int]:
    """The column index of each mapped field, or :class:`RuleViolation` when a field is
    mapped twice or a required one is missing."""
    fields = {f.key: f for f in fields_of(kind)}
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        field = mapping.get(header, "")
        if not field:
            continue
        if field not in fields:
            raise RuleViolation(N_("Kies voor kolom '%(column)s' een bekend veld."),
                                field="mapping", column=header)
        if field in index:
            raise RuleViolation(N_("Het veld '%(name)s' is aan twee kolommen gekoppeld."),
                                field="mapping", name=fields[field].label)
        index[field] = position
    for field in fields.values():
        if field.required and field.key not in index:
            raise RuleViolation(N_("Koppel een kolom aan '%(name)s'; zonder kan het bestand "
                                   "niet worden ingelezen."), field="mapping",
                                name=field.label)
    return index
