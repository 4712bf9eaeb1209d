"""Uploads, dry runs and confirmations of imports, and the list of imports of a site.

An upload is stored (:class:`~models.ImportFile`, keyed by its SHA-256) and read at once
so an unreadable file is refused before anything else; the dry run reads it again with a
mapping; confirming plans it once more against the site as it is then and applies the
plan in the caller's transaction (the caller commits, or rolls back on any error:
nothing is saved half-way). The confirmed file's contents are cleared; its hash, who
confirmed it, when, and the counts stay.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import ImportFile, ImportKind, Site, utcnow
from services import audit
from services.errors import N_, NotFound, RuleViolation
from services.imports import mapping as mappings
from services.imports.apply import apply_plan
from services.imports.plan import Plan, plan_members, plan_registry
from services.imports.reading import MAX_BYTES, TOO_BIG, Table, read_table


@dataclass(frozen=True)
class DryRun:
    table: Table
    mapping: dict[str, str]
    plan: Plan


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


#: an upload nobody confirmed is removed after this long (it holds personal data)
PENDING_KEPT = timedelta(days=1)


def purge_stale(session: Session, now: datetime) -> int:
    """Remove the uploads left unconfirmed for longer than :data:`PENDING_KEPT` (never
    imported, so no history); returns how many."""
    result = session.execute(sa.delete(ImportFile).where(
        ImportFile.confirmed_at.is_(None), ImportFile.uploaded_at < now - PENDING_KEPT))
    return result.rowcount or 0


def upload(session: Session, site: Site, kind: str, *, file_name: str, content: bytes,
           actor_id: int | None) -> ImportFile:
    """Keep an uploaded file for its dry run; the same pending file is stored once.
    Uploads left unconfirmed for a day are removed first."""
    if kind not in set(ImportKind):
        raise RuleViolation(N_("Kies wat u wilt inlezen."), field="kind")
    if kind == ImportKind.MEMBERS and site.association_id is None:
        raise RuleViolation(N_("Deze locatie hoort niet bij een woonvereniging; er is geen "
                               "ledenlijst om in te lezen."), field="kind")
    if len(content) > MAX_BYTES:
        raise RuleViolation(TOO_BIG, field="file", mb=MAX_BYTES // 2**20)
    read_table(file_name, content)  # refuses an unreadable or empty file now
    purge_stale(session, utcnow())
    digest = file_hash(content)
    pending = session.scalar(sa.select(ImportFile).where(
        ImportFile.site_id == site.id, ImportFile.kind == kind, ImportFile.file_hash == digest,
        ImportFile.confirmed_at.is_(None)).order_by(ImportFile.id.desc()).limit(1))
    if pending is not None:
        return pending
    row = ImportFile(site_id=site.id, kind=kind, file_name=(file_name or "bestand")[-200:],
                     file_hash=digest, size=len(content), content=content,
                     uploaded_by_id=actor_id, mapping={}, counts={})
    session.add(row)
    session.flush()
    return row


def pending_file(session: Session, site: Site, digest: str) -> ImportFile:
    """The unconfirmed upload of the site with this hash, else :class:`NotFound`."""
    row = session.scalar(sa.select(ImportFile).where(
        ImportFile.site_id == site.id, ImportFile.file_hash == digest,
        ImportFile.confirmed_at.is_(None)).order_by(ImportFile.id.desc()).limit(1))
    if row is None:
        raise NotFound(digest)
    return row


def dry_run(session: Session, site: Site, imported: ImportFile, *, today: date,
            may_write_care: bool, chosen: dict[str, str] | None = None) -> DryRun:
    """The plan for the file with ``chosen`` as mapping (else the remembered one and the
    known column names). A mapping error is a :class:`RuleViolation`."""
    table = read_table(imported.file_name, imported.content)
    mapping = {h: (chosen or {}).get(h, "") for h in table.headers} if chosen is not None \
        else mappings.guess(table.headers, imported.kind,
                            mappings.remembered(session, site, imported.kind))
    index = mappings.check(table.headers, imported.kind, mapping)
    if imported.kind == ImportKind.REGISTRY:
        plan = plan_registry(session, site, table, index, today=today,
                             may_write_care=may_write_care)
    else:
        plan = plan_members(session, site, table, index, today=today)
    return DryRun(table, mapping, plan)


def confirm(session: Session, site: Site, imported: ImportFile, *, today: date,
            may_write_care: bool, chosen: dict[str, str] | None,
            actor_id: int | None) -> ImportFile:
    """Apply the file as its dry run shows it now; the caller commits. The upload's row
    is locked first, so a second click waits and then finds it confirmed; it is marked
    confirmed before anything else is written, which on SQLite takes the database's write
    lock for the rest of the transaction (services/imports/apply.py relies on it)."""
    session.refresh(imported, with_for_update=True)
    if imported.confirmed_at is not None:
        raise RuleViolation(N_("Dit bestand is al ingelezen."))
    imported.confirmed_at, imported.confirmed_by_id = utcnow(), actor_id
    session.flush()
    run = dry_run(session, site, imported, today=today, may_write_care=may_write_care,
                  chosen=chosen)
    apply_plan(session, site, run.plan, import_id=imported.id, actor_id=actor_id, today=today)
    mappings.remember(session, site, imported.kind, run.mapping, actor_id=actor_id)
    imported.mapping = run.mapping
    imported.counts = run.plan.counts
    imported.content = b""
    audit.record(session, actor_id=actor_id, entity_type="import", entity_id=imported.id,
                 action="confirm", site_id=site.id,
                 changes={"kind": imported.kind, "file_hash": imported.file_hash,
                          "file_name": imported.file_name, **run.plan.counts})
    session.flush()
    return imported


def imports_of(session: Session, site_id: int) -> list[ImportFile]:
    """The confirmed imports of a site, newest first."""
    return list(session.scalars(sa.select(ImportFile).where(
        ImportFile.site_id == site_id, ImportFile.confirmed_at.is_not(None))
        .order_by(ImportFile.confirmed_at.desc(), ImportFile.id.desc())))


# --- the templates ------------------------------------------------------------------------

TEMPLATE_ROWS = {
    ImportKind.REGISTRY: [
        ["Eenheidnummer", "Deel", "Woningtype", "Gedeeld", "Huurder", "Ingangsdatum contract",
         "E-mail", "Telefoon", "Begeleiding", "Zorgaanbieder", "Geïndiceerde uren per week"],
        ["A-01", "Blok A", "studio", "nee", "Voorbeeld Bewoner", "01-03-2024",
         "voorbeeld@bewoner.example", "0612345678", "onbegeleid", "", ""],
    ],
    ImportKind.MEMBERS: [
        ["Eenheidnummer", "Lidnummer", "Lid sinds", "Contactpersoon"],
        ["A-01", "1", "01-04-2024", "Voorbeeld Bewoner"],
    ],
}


def template_csv(kind: str) -> bytes:
    """A CSV template (``;``, UTF-8 with BOM so Excel shows the accents)."""
    lines = [";".join(row) for row in TEMPLATE_ROWS[ImportKind(kind)]]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Import"
    for row in TEMPLATE_ROWS[ImportKind(kind)]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
