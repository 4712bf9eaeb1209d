"""Reading bank statement exports (pure): CSV as Dutch banks export it, and CAMT.053 XML.

* ING: ``"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";
  "Bedrag (EUR)";"Mutatiesoort";"Mededelingen";...`` (``;`` or ``,``; dates 20260602;
  an unsigned amount with "Af"/"Bij"; decimal comma);
* Rabobank: ``"IBAN/BBAN","Munt","BIC","Volgnr","Datum",...,"Bedrag",...,
  "Tegenrekening IBAN/BBAN","Naam tegenpartij",...,"Code",...,"Omschrijving-1",...``
  (dates 2026-06-02; a signed amount "+5,00" / "-12,50");
* CAMT.053 (ISO 20022, any version): booked entries (``Sts`` BOOK); an entry with several
  transaction details that each carry an amount (a batch) becomes one line per
  transaction, so each member's part of a collection can be matched.

Files are read as UTF-8 (with or without BOM), else as Windows-1252 (older exports); a
file with NUL characters is no text export and is refused, as is a CSV the csv module
cannot read (a bare carriage return inside a field, a field of over 128 kB). An XML file
with a DOCTYPE is refused whatever its encoding (expat stops at the declaration, before
any entity is defined or expanded): statements never have one, and it is how entity
attacks ("billion laughs") start. Amounts of EUR 100 million or more do not fit the books
and are refused; a line of EUR 0,00 moves no money and is left out. Every line gets a
hash of its contents and its occurrence in the file, so the same transaction in an
overlapping export is recognised (:func:`line_hashes`).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from xml.parsers import expat

from services.association.money import MAX_AMOUNT, parse_amount
from services.errors import N_, RuleViolation

KNOWN = N_("Noaber leest CSV-exports van ING en Rabobank en CAMT.053-bestanden (XML).")
NOT_CAMT = N_("Dit XML-bestand is geen CAMT.053-rekeningafschrift.")


@dataclass(frozen=True)
class StatementLine:
    booked_on: date
    amount: Decimal                  # negative: money going out
    counterparty_name: str = ""
    counterparty_iban: str = ""
    description: str = ""
    kind: str = ""                   # the bank's transaction type ("Incasso", "cb", ...)
    account_iban: str = ""
    reference: str = ""


def is_direct_debit(kind: str) -> bool:
    """Whether the bank's transaction type is a (SEPA) direct debit."""
    kind = (kind or "").lower()
    return "incasso" in kind or kind in ("ei", "id-dd") or kind.endswith("/pmdd") or \
        "ddt" in kind


@dataclass(frozen=True)
class ParsedFile:
    file_format: str
    lines: list[StatementLine]


def _refuse(message: str, **params) -> RuleViolation:
    return RuleViolation(message, field="file", **params)


def decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def parse_date(text: str) -> date:
    for pattern in ("%Y%m%d", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_bank_file(file_name: str, content: bytes) -> ParsedFile:
    """The transactions of an uploaded file, or a :class:`RuleViolation` on ``file``."""
    if not content.strip():
        raise _refuse(N_("Het bestand is leeg."))
    if file_name.lower().endswith(".xml"):
        parsed = parse_camt053(content)
    else:
        text = decode(content)
        if "\x00" in text:
            raise _refuse(N_("Dit is geen tekstbestand. %(known)s"), known=KNOWN)
        parsed = parse_csv(text)
    lines = [line for line in parsed.lines if line.amount != 0]
    if not lines:
        raise _refuse(N_("Het bestand bevat geen geboekte transacties."))
    return ParsedFile(parsed.file_format, lines)


# --- CSV -----------------------------------------------------------------------------

ING = {"datum", "naam / omschrijving", "tegenrekening", "af bij", "bedrag (eur)",
       "mededelingen"}
RABOBANK = {"iban/bban", "datum", "bedrag", "tegenrekening iban/bban", "naam tegenpartij",
            "omschrijving-1"}
ING_LABELS = re.compile(r"\s*\b(Naam|Omschrijving|IBAN|Kenmerk|Machtiging ID|Incassant ID|"
                        r"Valutadatum|Datum/Tijd|Pasvolgnr|Transactie|Term|Apple Pay):\s*")


def parse_csv(text: str) -> ParsedFile:
    header_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(";,\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        raise _refuse(N_("Regel %(line)s van dit CSV-bestand is niet te lezen (een regeleinde "
                         "of aanhalingsteken op een verkeerde plek?)."),
                      line=reader.line_num) from None
    header = [h.strip().lower() for h in rows[0]] if rows else []
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(row)]
    if ING <= set(header):
        return ParsedFile("ing-csv", [_ing(dict(zip(header, row)), number)
                                      for number, row in body])
    if RABOBANK <= set(header):
        return ParsedFile("rabobank-csv", [_rabobank(dict(zip(header, row)), number)
                                           for number, row in body])
    raise _refuse(N_("De kolommen van dit bestand zijn niet herkend. %(known)s"), known=KNOWN)


def _field(row: dict, number: int, name: str, parse):
    value = (row.get(name) or "").strip()
    try:
        parsed = parse(value)
    except ValueError:
        if parse is parse_date:
            raise _refuse(N_("Regel %(line)s: de datum '%(value)s' is niet te lezen."),
                          line=number, value=value) from None
        raise _refuse(N_("Regel %(line)s: het bedrag '%(value)s' is niet te lezen."),
                      line=number, value=value) from None
    if parse is parse_amount and abs(parsed) >= MAX_AMOUNT:
        raise _refuse(N_("Regel %(line)s: het bedrag '%(value)s' is te groot."),
                      line=number, value=value)
    return parsed


def ing_description(text: str) -> str:
    """The "Omschrijving: ..." part of ING's Mededelingen, else the whole text."""
    parts = ING_LABELS.split(text)
    labelled = dict(zip(parts[1::2], parts[2::2]))
    return (labelled.get("Omschrijving") or text).strip()


def _ing(row: dict, number: int) -> StatementLine:
    amount = _field(row, number, "bedrag (eur)", parse_amount)
    if (row.get("af bij") or "").strip().lower() == "af":
        amount = -amount
    return StatementLine(
        booked_on=_field(row, number, "datum", parse_date), amount=amount,
        counterparty_name=(row.get("naam / omschrijving") or "").strip(),
        counterparty_iban=(row.get("tegenrekening") or "").strip().upper(),
        description=ing_description(row.get("mededelingen") or ""),
        kind=(row.get("mutatiesoort") or row.get("code") or "").strip(),
        account_iban=(row.get("rekening") or "").strip().upper())


def _rabobank(row: dict, number: int) -> StatementLine:
    description = " ".join(p.strip() for p in (row.get("omschrijving-1"),
                                                row.get("omschrijving-2"),
                                                row.get("omschrijving-3")) if p and p.strip())
    return StatementLine(
        booked_on=_field(row, number, "datum", parse_date),
        amount=_field(row, number, "bedrag", parse_amount),
        counterparty_name=(row.get("naam tegenpartij") or "").strip(),
        counterparty_iban=(row.get("tegenrekening iban/bban") or "").strip().upper(),
        description=description, kind=(row.get("code") or "").strip(),
        account_iban=(row.get("iban/bban") or "").strip().upper(),
        reference=(row.get("volgnr") or "").strip())


# --- CAMT.053 ------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element, path: str):
    """The first descendant along ``path`` (local names, "/"-separated), or None."""
    current = [element]
    for step in path.split("/"):
        current = [child for node in current for child in node if _local(child.tag) == step]
        if not current:
            return None
    return current[0]


def _text(element, path: str) -> str:
    found = _find(element, path) if element is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _refuse_doctype(content: bytes) -> None:
    """Read the file once with expat, stopping at a DOCTYPE (in any encoding) before an
    entity is declared, let alone expanded."""
    def doctype(*_args):
        raise _refuse(NOT_CAMT)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(content, True)
    except (expat.ExpatError, ValueError):
        raise _refuse(N_("Dit XML-bestand is niet te lezen.")) from None


def parse_camt053(content: bytes) -> ParsedFile:
    _refuse_doctype(content)
    try:
        root = ET.fromstring(content)
    except (ET.ParseError, ValueError):
        raise _refuse(N_("Dit XML-bestand is niet te lezen.")) from None
    statement_root = _find(root, "BkToCstmrStmt")
    if _local(root.tag) != "Document" or statement_root is None:
        raise _refuse(NOT_CAMT)
    lines = []
    for statement in _children(statement_root, "Stmt"):
        account = _text(statement, "Acct/Id/IBAN").upper()
        for entry in _children(statement, "Ntry"):
            lines.extend(_camt_entry(entry, account))
    return ParsedFile("camt053", lines)


def _camt_amount(element, path: str) -> Decimal | None:
    text = _text(element, path)
    if not text:
        return None
    try:
        amount = parse_amount(text)
    except ValueError:
        raise _refuse(N_("Het bedrag '%(value)s' in het XML-bestand is niet te lezen."),
                      value=text) from None
    if abs(amount) >= MAX_AMOUNT:
        raise _refuse(N_("Het bedrag '%(value)s' in het XML-bestand is te groot."), value=text)
    return amount


def _camt_entry(entry, account: str) -> list[StatementLine]:
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if status and status.upper() != "BOOK":
        return []
    credit = _text(entry, "CdtDbtInd").upper() == "CRDT"
    day_text = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    try:
        booked_on = parse_date(day_text)
    except ValueError:
        raise _refuse(N_("Een boekingsdatum in het XML-bestand is niet te lezen.")) from None
    details = [d for dtls in _children(entry, "NtryDtls") for d in _children(dtls, "TxDtls")]
    amounts = [_camt_amount(d, "AmtDtls/TxAmt/Amt") or _camt_amount(d, "Amt") for d in details]
    if len(details) < 2 or any(a is None for a in amounts):
        details, amounts = details[:1], [_camt_amount(entry, "Amt")]
    kind = "/".join(filter(None, (_text(entry, "BkTxCd/Domn/Fmly/Cd"),
                                  _text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"))))
    party = "Dbtr" if credit else "Cdtr"
    lines = []
    for detail, amount in zip(details or [None], amounts):
        if amount is None:
            raise _refuse(N_("Een transactie in het XML-bestand heeft geen bedrag."))
        name = _text(detail, f"RltdPties/{party}/Nm") or _text(detail, f"RltdPties/{party}/Pty/Nm")
        lines.append(StatementLine(
            booked_on=booked_on, amount=amount if credit else -amount,
            counterparty_name=name or _text(entry, "AddtlNtryInf"),
            counterparty_iban=_text(detail, f"RltdPties/{party}Acct/Id/IBAN").upper(),
            description=" ".join(t for t in (_text(detail, "RmtInf/Ustrd"),
                                             _text(detail, "RmtInf/Strd/CdtrRefInf/Ref")) if t)
            or _text(entry, "AddtlNtryInf"),
            kind=kind, account_iban=account,
            reference=_text(detail, "Refs/AcctSvcrRef") or _text(entry, "AcctSvcrRef")
            or _text(detail, "Refs/EndToEndId")))
    return lines


# --- identity ------------------------------------------------------------------------

def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def line_hashes(lines: list[StatementLine]) -> list[str]:
    """A hash per line of its contents and how many identical lines came before it in the
    file, so two equal payments on one day stay two lines and an overlapping export of
    the same account adds each transaction once."""
    seen: dict[tuple, int] = {}
    hashes = []
    for line in lines:
        key = (line.account_iban, line.booked_on.isoformat(), f"{line.amount:.2f}",
               line.counterparty_iban, line.counterparty_name, line.description,
               line.reference)
        seen[key] = seen.get(key, 0) + 1
        hashes.append(hashlib.sha256("\x1f".join((*key, str(seen[key]))).encode())
                      .hexdigest())
    return hashes
