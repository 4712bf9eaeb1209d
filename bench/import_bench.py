"""The import bench (part of `make bench`, or alone: ``bench/run.py import``): 20 sites of
80 units each read in from files, in-process, on a fresh database.

Per site: the corporation's export (80 units with their tenants, about a third
begeleid), the same file again (changes nothing), the next month's export with 8 moves,
and the association's member list of 80 households: 20 x 4 x 80 = 6,400 rows planned,
about 5,000 of them written. Each file is uploaded, dry-run and confirmed as the pages
do. The target is under 30 s for all of it, and a constant number of SQL statements per
confirmed batch: a site of 20 units takes as many statements to confirm as one of 80.

Then single files of 500, 1,000 and 5,000 units on sites of their own (one, two and ten
batches of services/imports/apply.py's 500 rows): the statements per batch are the
difference between the first two, and the 5,000-row file must take exactly the 500-row
file's statements plus nine batches more. The statements are counted with an event
listener on ``before_cursor_execute`` (a multi-row statement counts once).
"""
from __future__ import annotations

import os
import time
from datetime import date

IMPORT_SITES = int(os.environ.get("BENCH_IMPORT_SITES", "20"))
IMPORT_UNITS = int(os.environ.get("BENCH_IMPORT_UNITS", "80"))
TARGET_IMPORT_S = 30
TODAY = date(2026, 6, 15)
BATCH_SIZES = tuple(int(n) for n in os.environ.get("BENCH_IMPORT_BATCH_SIZES",
                                                   "500,1000,5000").split(","))


def _export(site_no: int, units: int, moved: int = 0) -> bytes:
    lines = ["VHE;Gebouw;Type;Huurder;Ingangsdatum contract;E-mail;Begeleiding;"
             "Zorgaanbieder;Geïndiceerde uren"]
    for n in range(1, units + 1):
        tenant, since = f"Huurder {site_no}-{n}", "01-03-2024"
        if n <= moved:
            tenant, since = f"Nieuwe Huurder {site_no}-{n}", "01-06-2026"
        begeleid = n % 3 == 0 and n > moved
        lines.append(";".join([
            f"{'AB'[n % 2]}-{n:03d}", f"Blok {'AB'[n % 2]}", "Studio" if n % 4 else
            "2-kamerappartement", tenant, since, f"h{site_no}.{n}@bewoner.example",
            "begeleid" if begeleid else "onbegeleid",
            "Zorg Bench" if begeleid else "", "4,5" if begeleid else ""]))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _members(site_no: int, units: int) -> bytes:
    lines = ["VHE;Lidnummer;Lid sinds"]
    lines += [f"{'AB'[n % 2]}-{n:03d};{n};01-04-2024" for n in range(1, units + 1)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def bench_import(app, say) -> dict:
    """Run the import bench in ``app`` (a migrated, empty database)."""
    import sqlalchemy as sa

    from models import OrgKind, db
    from services.imports import files
    from services.imports.apply import BATCH_ROWS
    from services.registry import sites as site_service

    statements = {"n": 0}

    def count(*args, **kwargs):
        statements["n"] += 1

    with app.app_context():
        session = db.session
        org = {kind: site_service.save_organisation(session, None, name=name, kind=kind,
                                                    active=True, actor_id=None)
               for kind, name in ((OrgKind.WONINGCORPORATIE, "Corporatie Bench"),
                                  (OrgKind.ZORGAANBIEDER, "Zorg Bench"),
                                  (OrgKind.WOONVERENIGING, "Vereniging Bench"))}
        sites = [site_service.save_site(session, None, site_service.SiteData(
            f"Bench {n:02d}", "Benchstad", date(2024, 1, 1), org[OrgKind.WONINGCORPORATIE].id,
            org[OrgKind.WOONVERENIGING].id if n == 0 else None), actor_id=None)
            for n in range(IMPORT_SITES + 1)]
        session.commit()
        for site in sites[1:]:  # one association per site, as in real life
            assoc = site_service.save_organisation(
                session, None, name=f"Vereniging {site.name}", kind=OrgKind.WOONVERENIGING,
                active=True, actor_id=None)
            site.association_id = assoc.id
        session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", count)

        def run(site, kind, content):
            imported = files.upload(session, site, kind, file_name="bench.csv",
                                    content=content, actor_id=None)
            session.commit()
            before = statements["n"]
            done = files.confirm(session, site, imported, today=TODAY, may_write_care=True,
                                 chosen=None, actor_id=None)
            session.commit()
            return done.counts, statements["n"] - before

        started = time.perf_counter()
        rows = written = 0
        confirm_sql: list[int] = []
        for number, site in enumerate(sites[1:], start=1):
            for kind, content in (("registry", _export(number, IMPORT_UNITS)),
                                  ("registry", _export(number, IMPORT_UNITS)),
                                  ("registry", _export(number, IMPORT_UNITS, moved=8)),
                                  ("members", _members(number, IMPORT_UNITS))):
                counts, sql = run(site, kind, content)
                rows += sum(counts.values())
                written += counts["nieuw"] + counts["gewijzigd"]
                if kind == "registry" and counts["nieuw"] == IMPORT_UNITS:
                    confirm_sql.append(sql)
        seconds = time.perf_counter() - started
        _small_counts, small_sql = run(sites[0], "registry", _export(0, IMPORT_UNITS // 4))
        by_size = {}
        for n, size in enumerate(BATCH_SIZES, start=IMPORT_SITES + 1):
            site = site_service.save_site(session, None, site_service.SiteData(
                f"Bench {n:02d}", "Benchstad", date(2024, 1, 1),
                org[OrgKind.WONINGCORPORATIE].id), actor_id=None)
            session.commit()
            began = time.perf_counter()
            _counts, sql = run(site, "registry", _export(n, size))
            by_size[size] = {"statements": sql, "seconds": round(time.perf_counter() - began, 2)}
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    result = {"sites": IMPORT_SITES, "units_per_site": IMPORT_UNITS, "rows": rows,
              "rows_written": written, "seconds": round(seconds, 2),
              "confirm_sql_full": max(confirm_sql), "confirm_sql_quarter": small_sql,
              # a 4x larger file may take a statement more (a batch split), not 4x as many
              "constant_sql": max(confirm_sql) <= small_sql + 2,
              "met": seconds < TARGET_IMPORT_S, "by_size": by_size}
    if len(BATCH_SIZES) >= 3:
        first, second, last = BATCH_SIZES[0], BATCH_SIZES[1], BATCH_SIZES[-1]
        per_batch = by_size[second]["statements"] - by_size[first]["statements"]
        batches = -(-last // BATCH_ROWS) - 1
        result["statements_per_batch"] = per_batch
        result["constant_per_batch"] = (by_size[last]["statements"] ==
                                        by_size[first]["statements"] + batches * per_batch)
        say("  import of one file: " + ", ".join(
            f"{size:,} rows {v['statements']} statements ({v['seconds']:.1f} s)"
            for size, v in by_size.items()) + f"; {per_batch} per batch of {BATCH_ROWS}, "
            f"{'constant' if result['constant_per_batch'] else 'NOT constant'}")
    say(f"  import: {rows:,} rows ({written:,} written) of {IMPORT_SITES} sites in "
        f"{seconds:.1f} s; confirming {IMPORT_UNITS} units took {max(confirm_sql)} "
        f"statements, {IMPORT_UNITS // 4} units {small_sql}  "
        f"{'met' if result['met'] else 'MISSED'}; statements "
        f"{'constant' if result['constant_sql'] else 'GROW with the rows'}")
    return result
