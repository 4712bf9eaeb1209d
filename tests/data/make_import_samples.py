"""Writes the sample import files beside this script (invented people), shaped like a
housing corporation's export and a residents' association's member list:

* ``bongerd_export_2026_05.xlsx``: 12 units of "De Bongerd" in two buildings, 10 tenants
  (4 begeleid), with an unmapped "Complex" column, a move-in date typed as an Excel day
  number, trailing spaces and one duplicate row;
* ``bongerd_export_2026_06.xlsx``: the next month's export: two moves (A-03 and B-02
  have a new tenant), everything else the same;
* ``bongerd_leden_2026.csv``: the association's member list, ``;``-separated in
  Windows-1252 (as older Excel saves it);
* ``bongerd_rommelig.csv``: UTF-8 with BOM and ``,``: an unknown unit without a type, a
  future date, one tenant in two units, an unreadable date and an unknown care
  organisation.

Run: ``.venv/bin/python tests/data/make_import_samples.py``.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADER = ["VHE", "Complex", "Gebouw", "Type", "Huurder", "Ingangsdatum contract", "E-mail",
          "Telefoon", "Begeleiding", "Zorgaanbieder", "Geïndiceerde uren"]

TENANTS = [
    # unit, building, type, tenant, move-in, e-mail, begeleid, organisation, hours
    ("A-01", "Blok A", "Studio", "Fenna Akkerman", datetime(2024, 3, 1), "fenna@bewoner.example",
     "begeleid", "Zorggroep De Linde", 6),
    ("A-02", "Blok A", "Studio", "Gijs Bakker", datetime(2024, 3, 1), "gijs@bewoner.example",
     "onbegeleid", "", None),
    ("A-03", "Blok A", "2-kamerappartement", "Hanna Claassen", datetime(2024, 4, 1),
     "hanna@bewoner.example", "onbegeleid", "", None),
    ("A-04", "Blok A", "2-kamerappartement", "Ivo de Jong  ", 45413, "ivo@bewoner.example",
     "begeleid", "Stichting Het Anker", 4.5),
    ("A-05", "Blok A", "Studio", "", None, "", "", "", None),
    ("A-06", "Blok A", "3-kamerwoning", "Jolien Evers", datetime(2024, 5, 1),
     "jolien@bewoner.example", "onbegeleid", "", None),
    ("B-01", "Blok B", "Studio", "Kees Fransen", datetime(2024, 3, 1), "kees@bewoner.example",
     "begeleid", "Zorggroep De Linde", 3),
    ("B-02", "Blok B", "Studio", "Lotte Gerritsen", datetime(2024, 3, 15),
     "lotte@bewoner.example", "onbegeleid", "", None),
    ("B-03", "Blok B", "2-kamerappartement", "Milan Hendriks", datetime(2024, 6, 1),
     "milan@bewoner.example", "onbegeleid", "", None),
    ("B-04", "Blok B", "Eengezinswoning", "Noor Jansen", datetime(2025, 1, 1),
     "noor@bewoner.example", "begeleid", "Stichting Het Anker", 2),
    ("B-05", "Blok B", "Studio", "Otto Kuipers", datetime(2025, 2, 1), "otto@bewoner.example",
     "onbegeleid", "", None),
    ("B-06", "Blok B", "Studio", "", None, "", "", "", None),
]

MOVES = {
    "A-03": ("Pieter Lammers", datetime(2026, 6, 1), "pieter@bewoner.example"),
    "B-02": ("Roos Mulder", datetime(2026, 5, 15), "roos@bewoner.example"),
}


def _export(path: Path, moves: dict) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Huurders"
    sheet.append(HEADER)
    for unit, building, kind, tenant, move_in, email, status, org, hours in TENANTS:
        if unit in moves:
            tenant, move_in, email = moves[unit]
            status, org, hours = "onbegeleid", "", None
        sheet.append([unit, "Bongerd ", building, kind, tenant, move_in, email, "",
                      status, org, hours])
        if unit == "B-01":  # the export repeats a row
            sheet.append([unit, "Bongerd ", building, kind, tenant, move_in, email, "",
                          status, org, hours])
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD-MM-YYYY"
    workbook.save(path)


def main() -> None:
    _export(HERE / "bongerd_export_2026_05.xlsx", {})
    _export(HERE / "bongerd_export_2026_06.xlsx", MOVES)
    members = ["VHE;Lidnummer;Lid sinds;Naam",
               "A-01;1;01-04-2024;Fenna Akkerman",
               "A-02;2;01-04-2024;Gijs Bakker ",
               "A-04;3;1-6-2024;Ivo de Jong",
               "B-01;4;01-04-2024;Kees Fransen",
               "B-04;5;01-02-2025;Noor Jansen",
               "B-05;6;01-03-2025;Otto Kuipers",
               "A-06;7;01-06-2024;Jolien Evers"]
    (HERE / "bongerd_leden_2026.csv").write_bytes(
        ("\r\n".join(members) + "\r\n").encode("cp1252"))
    messy = ["Eenheidnummer,Huurder,Ingangsdatum,Begeleiding,Zorgaanbieder",
             "Z-99,Onbekende Eenheid,01-01-2025,onbegeleid,",
             "A-05,Toekomst Bewoner,01-01-2030,onbegeleid,",
             "A-06,Dubbel Bewoner,01-01-2025,onbegeleid,",
             "B-06,Dubbel Bewoner,01-01-2025,onbegeleid,",
             "A-05,Datum Kwijt,31-02-2025,onbegeleid,",
             "B-06,Zorg Onbekend,01-01-2025,begeleid,Zorghuis Nergens",
             "A-05,Sanne Smit,45658,onbegeleid,"]
    (HERE / "bongerd_rommelig.csv").write_bytes(
        ("\ufeff" + "\r\n".join(messy) + "\r\n").encode("utf-8"))


if __name__ == "__main__":
    main()
