"""Property tests of the bank file parsers (hypothesis): whatever bytes arrive under
whatever name, the parser answers with statement lines the books can hold or a
RuleViolation on the file field - never another exception."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings, strategies as st

from services.association import bankfile
from services.errors import RuleViolation

NAMES = st.sampled_from(["a.csv", "a.CSV", "a.xml", "a.txt", "afschrift"])
ING_HEADER = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen"\n')
RABO_HEADER = ('"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Bedrag","Tegenrekening IBAN/BBAN",'
               '"Naam tegenpartij","Code","Omschrijving-1"\n')
CELL = st.one_of(st.text(max_size=12), st.sampled_from(
    ["20260602", "2026-06-02", "02-06-2026", "5,00", "-1.234,56", "+0,00", "1e309", "NaN",
     "99999999999,99", "Bij", "Af", "\r", "\n", '"', "\x00", ";", ","]))
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None)


def _parse(name: str, content: bytes) -> None:
    try:
        parsed = bankfile.parse_bank_file(name, content)
    except RuleViolation as refused:
        assert refused.field == "file" and refused.message
        return
    assert parsed.lines
    for line in parsed.lines:
        assert line.amount != 0 and abs(line.amount) < Decimal("100000000")
        assert line.amount == line.amount.quantize(Decimal("0.01"))


@SETTINGS
@given(name=NAMES, content=st.binary(max_size=400))
def test_random_bytes_are_lines_or_a_refusal(name, content):
    _parse(name, content)


@SETTINGS
@given(header=st.sampled_from([ING_HEADER, RABO_HEADER]),
       rows=st.lists(st.lists(CELL, max_size=10), max_size=4),
       delimiter=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "cp1252"]))
def test_a_known_header_with_random_rows_is_lines_or_a_refusal(header, rows, delimiter,
                                                                encoding):
    text = header.replace(";" if header is ING_HEADER else ",", delimiter) + "".join(
        delimiter.join(f'"{cell}"' if i % 2 else cell for i, cell in enumerate(row)) + "\n"
        for row in rows)
    _parse("a.csv", text.encode(encoding, errors="replace"))


XML_TAGS = st.sampled_from(["Document", "BkToCstmrStmt", "Stmt", "Ntry", "Amt", "CdtDbtInd",
                            "Sts", "Cd", "BookgDt", "Dt", "NtryDtls", "TxDtls", "AmtDtls",
                            "TxAmt", "RltdPties", "Dbtr", "Nm", "Acct", "Id", "IBAN"])
XML_TEXT = st.one_of(st.sampled_from(["BOOK", "CRDT", "DBIT", "2026-06-02", "5.00", "-0",
                                      "1e400", "99999999999.99", "", "&amp;", "]]>"]),
                     st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                             max_size=8))


def _element(depth: int = 0) -> st.SearchStrategy[str]:
    children = st.lists(st.deferred(lambda: _element(depth + 1)), max_size=3) if depth < 5 \
        else st.just([])
    return st.builds(lambda tag, text, kids: f"<{tag}>{text}{''.join(kids)}</{tag}>",
                     XML_TAGS, XML_TEXT, children)


@SETTINGS
@given(body=_element(), prolog=st.sampled_from(
    ["", "<?xml version='1.0'?>", "<?xml version='1.0' encoding='UTF-16'?>",
     "<!DOCTYPE Document [<!ENTITY a 'b'>]>", "<!-- x -->"]))
def test_random_camt_like_xml_is_lines_or_a_refusal(body, prolog):
    _parse("a.xml", (prolog + body).encode("utf-8", errors="surrogatepass"))
