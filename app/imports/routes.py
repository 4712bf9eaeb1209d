"""The import pages: upload, the dry run with the column mapping, confirm, the list of
imports and the templates. For the sociaal beheerder of the site and admins (those who
may write its registry and care data); the member list only for a site with an
association.

The upload is kept server-side (services/imports/files.py) under its SHA-256; the pages
address it by that hash, so the session holds nothing of it.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField

from app.access import MANAGE_REGISTRY, site_view
from app.clock import today
from app.forms import show_violation
from models import ImportKind, db
from services.errors import N_, NotFound, RuleViolation
from services.imports import files
from services.imports.mapping import fields_of
from services.imports.reading import MAX_BYTES, TOO_BIG

bp = Blueprint("imports", __name__, url_prefix="/locaties/<int:site_id>/import")

KIND_LABELS = {ImportKind.REGISTRY: _l("Wooneenheden en bewoners"),
               ImportKind.MEMBERS: _l("Leden van de vereniging")}
OUTCOME_LABELS = {"nieuw": _l("nieuw"), "gewijzigd": _l("gewijzigd"),
                  "ongewijzigd": _l("ongewijzigd"), "geweigerd": _l("geweigerd"),
                  "overgeslagen": _l("overgeslagen")}
HASH = re.compile(r"^[0-9a-f]{64}$")


class UploadForm(FlaskForm):
    kind = SelectField(_l("Wat leest u in?"), choices=[])
    file = FileField(_l("Bestand (.csv of .xlsx)"), render_kw={"accept": ".csv,.xlsx"})


class PostForm(FlaskForm):
    """Only the CSRF token."""


def _kinds(site) -> list[tuple[str, str]]:
    kinds = [ImportKind.REGISTRY] + ([ImportKind.MEMBERS] if site.association_id else [])
    return [(k.value, str(KIND_LABELS[k])) for k in kinds]


def _index(site, form, status: int = 200):
    return render_template("imports/index.html", site=site, form=form,
                           imports=files.imports_of(db.session, site.id), labels=KIND_LABELS,
                           max_mb=MAX_BYTES // 2**20), status


@bp.route("/")
@site_view(MANAGE_REGISTRY)
def index(site, access):
    form = UploadForm(formdata=None)
    form.kind.choices = _kinds(site)
    return _index(site, form)


@bp.route("/", methods=["POST"])
@site_view(MANAGE_REGISTRY)
def upload(site, access):
    """Keep the file and show its dry run; a file over the limit is refused unread."""
    if (request.content_length or 0) > MAX_BYTES + 64 * 1024:
        form = UploadForm(formdata=None)
        form.kind.choices = _kinds(site)
        form.file.errors = [_(TOO_BIG, mb=MAX_BYTES // 2**20)]
        return _index(site, form, 413)
    request.max_content_length = MAX_BYTES + 64 * 1024
    form = UploadForm()
    form.kind.choices = _kinds(site)
    if form.validate_on_submit():
        storage = form.file.data
        try:
            if storage is None or not getattr(storage, "filename", ""):
                raise RuleViolation(N_("Kies een bestand."), field="file")
            content = storage.stream.read(MAX_BYTES + 1)
            imported = files.upload(db.session, site, form.kind.data,
                                    file_name=storage.filename, content=content,
                                    actor_id=current_user.id)
            db.session.commit()
            return redirect(url_for("imports.dry_run", site_id=site.id,
                                    digest=imported.file_hash))
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _index(site, form, 422 if form.errors or form.form_errors else 200)


def _pending(site, digest: str):
    if not HASH.match(digest):
        abort(404)
    try:
        return files.pending_file(db.session, site, digest)
    except NotFound:
        abort(404)


def _dry_run_page(site, access, imported, status: int = 200, error: str | None = None):
    chosen = imported.mapping or None
    run = None
    try:
        run = files.dry_run(db.session, site, imported, today=today(),
                            may_write_care=access.sees_all_care_data, chosen=chosen)
    except RuleViolation as violation:
        error = _(violation.message, **violation.params)
        status = 422
    table = run.table if run else files.read_table(imported.file_name, imported.content)
    mapping = run.mapping if run else {h: (chosen or {}).get(h, "") for h in table.headers}
    fields = [(f.key, _(f.label)) for f in fields_of(imported.kind)]
    rows = [] if run is None else [
        {"line": r.line, "outcome": r.outcome, "outcome_label": OUTCOME_LABELS[r.outcome],
         "values": r.values,
         "messages": [_(m.msgid, **m.params) for m in r.messages]} for r in run.plan.rows]
    return render_template("imports/dry_run.html", site=site, imported=imported,
                           label=KIND_LABELS[imported.kind], table=table, mapping=mapping,
                           fields=fields, rows=rows, counts=run.plan.counts if run else None,
                           has_changes=run.plan.has_changes if run else False,
                           error=error, form=PostForm(formdata=None)), status


@bp.route("/<digest>")
@site_view(MANAGE_REGISTRY)
def dry_run(site, access, digest: str):
    return _dry_run_page(site, access, _pending(site, digest))


@bp.route("/<digest>", methods=["POST"])
@site_view(MANAGE_REGISTRY)
def remap(site, access, digest: str):
    """Read the file again with the columns mapped as chosen."""
    imported = _pending(site, digest)
    form = PostForm()
    if not form.validate_on_submit():
        abort(400)
    table = files.read_table(imported.file_name, imported.content)
    known = {f.key for f in fields_of(imported.kind)}
    chosen = {}
    for position, header in enumerate(table.headers):
        value = request.form.get(f"col{position}", "")
        chosen[header] = value if value in known else ""
    imported.mapping = chosen
    db.session.commit()
    return redirect(url_for("imports.dry_run", site_id=site.id, digest=digest))


@bp.route("/<digest>/bevestigen", methods=["POST"])
@site_view(MANAGE_REGISTRY)
def confirm(site, access, digest: str):
    """Apply the file as the dry run shows it, in one transaction. A second click (the
    file is already read in) goes back to the list."""
    if HASH.match(digest) and any(i.file_hash == digest
                                  for i in files.imports_of(db.session, site.id)):
        try:
            files.pending_file(db.session, site, digest)
        except NotFound:
            flash(_("Dit bestand is al ingelezen."), "info")
            return redirect(url_for("imports.index", site_id=site.id))
    imported = _pending(site, digest)
    form = PostForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        done = files.confirm(db.session, site, imported, today=today(),
                             may_write_care=access.sees_all_care_data,
                             chosen=imported.mapping or None, actor_id=current_user.id)
        db.session.commit()
    except RuleViolation as violation:
        db.session.rollback()
        if violation.message == "Dit bestand is al ingelezen.":
            flash(_("Dit bestand is al ingelezen."), "info")
            return redirect(url_for("imports.index", site_id=site.id))
        return _dry_run_page(site, access, _pending(site, digest), 422,
                             _(violation.message, **violation.params))
    except sa.exc.IntegrityError:
        # another request changed the site meanwhile (on SQLite: a second click that read
        # before the first committed); nothing of this one is saved
        db.session.rollback()
        if any(i.file_hash == digest for i in files.imports_of(db.session, site.id)):
            flash(_("Dit bestand is al ingelezen."), "info")
            return redirect(url_for("imports.index", site_id=site.id))
        return _dry_run_page(site, access, _pending(site, digest), 409,
                             _("Er veranderde tegelijk iets op deze locatie; er is niets "
                               "opgeslagen. Bekijk de proefrun opnieuw."))
    except Exception:
        db.session.rollback()
        raise
    counts = done.counts
    flash(_("Ingelezen: %(new)s nieuw, %(changed)s gewijzigd, %(same)s ongewijzigd, "
            "%(refused)s geweigerd.", new=counts["nieuw"], changed=counts["gewijzigd"],
            same=counts["ongewijzigd"], refused=counts["geweigerd"]), "success")
    return redirect(url_for("imports.index", site_id=site.id))


@bp.route("/sjabloon/<kind>.<ext>")
@site_view(MANAGE_REGISTRY)
def template(site, access, kind: str, ext: str):
    if kind not in set(ImportKind) or ext not in ("csv", "xlsx"):
        abort(404)
    name = {"registry": "eenheden-en-bewoners", "members": "leden"}[kind]
    if ext == "csv":
        return Response(files.template_csv(kind), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    return Response(files.template_xlsx(kind),
                    mimetype="application/vnd.openxmlformats-officedocument."
                             "spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
