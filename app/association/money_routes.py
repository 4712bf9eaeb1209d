"""Contributions: the schemes per year and generating dues, the overdue list and the
reminders (reviewed before they go out), and importing bank statements with the
treasurer confirming the proposed matches. Pages of the association blueprint."""
from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from app.association.forms import (LineBookForm, LineMemberForm, PostForm, ReasonForm,
                                   ReductionForm, SchemeForm, UploadForm)
from app.association.routes import association_view, bp, owned_or_404, to
from app.clock import today
from app.forms import save_or_render
from app.governance.routes import save_on_page
from app.hardening import MAX_ID
from models import BankImport, BankLine, ContributionScheme, EntryKind, db, utcnow
from services.association import (bank, books, dues, grants, members as member_service,
                                  reminders)
from services.errors import N_, NotFound, RuleViolation

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TOO_BIG = N_("Het bestand is te groot: hoogstens 2 MB.")


# --- schemes and dues ------------------------------------------------------------------

def _schemes_context(site, association, generate_form=None) -> dict:
    found = dues.schemes(db.session, association.id)
    return dict(site=site, association=association, schemes=found, on=today(),
                has_dues={s.id: dues.has_dues(db.session, s.id) for s in found},
                generate_form=generate_form or PostForm(formdata=None))


@bp.route("/contributie")
@association_view
def schemes(site, access, association):
    return render_template("association/schemes.html",
                           **_schemes_context(site, association))


@bp.route("/contributie/nieuw", methods=["GET", "POST"])
@association_view
def new_scheme(site, access, association):
    form = SchemeForm()
    if request.method == "GET":
        form.year.data = request.args.get("jaar", type=int) or today().year
        form.frequency.data = "maand"
    return save_or_render(
        form, lambda: dues.save_scheme(db.session, association.id, year=form.year.data,
                                       amount=form.amount.data, frequency=form.frequency.data,
                                       note=form.note.data, actor_id=current_user.id),
        success=lambda s: _("De contributie voor %(year)s is opgeslagen.", year=s.year),
        next_url=to("schemes", site), template="association/scheme_form.html", site=site,
        association=association)


@bp.route("/contributie/<int:scheme_id>/kortingen", methods=["GET", "POST"])
@association_view
def add_reduction(site, access, association, scheme_id: int):
    scheme = owned_or_404(ContributionScheme, scheme_id, association)
    form = ReductionForm()
    return save_or_render(
        form, lambda: dues.add_reduction(db.session, scheme, name=form.name.data,
                                         percent=form.percent.data, actor_id=current_user.id),
        success=lambda r: _("De korting %(name)s is toegevoegd.", name=r.name),
        next_url=to("schemes", site), template="association/reduction_form.html", site=site,
        association=association, scheme=scheme)


@bp.route("/contributie/aanmaken", methods=["POST"])
@association_view
def generate(site, access, association):
    form = PostForm()
    return save_on_page(
        form, lambda: dues.generate_dues(db.session, association.id, up_to=today(),
                                         actor_id=current_user.id),
        lambda n: ngettext("%(num)d contributieregel is aangemaakt.",
                           "%(num)d contributieregels zijn aangemaakt.", n),
        url_for("association.schemes", site_id=site.id), "association/schemes.html",
        _schemes_context(site, association, form))


# --- overdue dues and reminders --------------------------------------------------------

def _ids(name: str) -> list[int]:
    """The ticked ids (within the databases' INTEGER: a larger one is no record)."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit() and int(v) <= MAX_ID]


@bp.route("/achterstanden")
@association_view
def overdue(site, access, association):
    return render_template("association/overdue.html", site=site, association=association,
                           rows=reminders.overdue(db.session, association.id, today()),
                           form=PostForm(formdata=None))


@bp.route("/herinneringen/voorbereiden", methods=["POST"])
@association_view
def draft_reminders(site, access, association):
    form = PostForm()
    return save_or_render(
        form, lambda: reminders.draft(db.session, association.id, _ids("lid"), today=today(),
                                      actor_id=current_user.id),
        success=lambda made: ngettext(
            "%(num)d herinnering staat klaar. Lees hem na voordat u hem verstuurt.",
            "%(num)d herinneringen staan klaar. Lees ze na voordat u ze verstuurt.",
            len(made)),
        next_url=to("reminders_page", site), template="association/overdue.html", site=site,
        association=association, rows=reminders.overdue(db.session, association.id, today()))


def _reminders_context(site, association) -> dict:
    return dict(site=site, association=association,
                concepts=reminders.concepts(db.session, association.id),
                recent=reminders.recent(db.session, association.id))


@bp.route("/herinneringen")
@association_view
def reminders_page(site, access, association):
    return render_template("association/reminders.html", form=PostForm(formdata=None),
                           **_reminders_context(site, association))


@bp.route("/herinneringen", methods=["POST"])
@association_view
def decide_reminders(site, access, association):
    """Send (approve) or discard the ticked concepts. Approved e-mails are queued in the
    outbox, which the scheduler sends within a minute or two (and retries when the mail
    server is away); nothing is sent inside this request."""
    form = PostForm()
    send = request.form.get("action") == "versturen"
    decide = reminders.approve if send else reminders.discard
    return save_on_page(
        form, lambda: decide(db.session, association.id, _ids("herinnering"), now=utcnow(),
                             actor_id=current_user.id),
        lambda done: (_sent_message(done) if send else
                      ngettext("%(num)d herinnering is vervallen.",
                               "%(num)d herinneringen zijn vervallen.", len(done))),
        url_for("association.reminders_page", site_id=site.id), "association/reminders.html",
        _reminders_context(site, association))


def _sent_message(done) -> str:
    mails = sum(r.channel == "email" for r in done)
    letters = len(done) - mails
    parts = []
    if mails:
        parts.append(ngettext(
            "%(num)d e-mail staat in de wachtrij en wordt binnen enkele minuten verstuurd.",
            "%(num)d e-mails staan in de wachtrij en worden binnen enkele minuten verstuurd.",
            mails))
    if letters:
        parts.append(ngettext("%(num)d brief is als afgedrukt vastgelegd.",
                              "%(num)d brieven zijn als afgedrukt vastgelegd.", letters))
    return " ".join(parts)


@bp.route("/herinneringen/brieven.pdf")
@association_view
def letters(site, access, association):
    """The concept letters (households without e-mail), one per page, to print."""
    from app.pdf import render_pdf

    html = render_template("association/letters.html", site=site, association=association,
                           letters=[r for r in reminders.concepts(db.session, association.id)
                                    if r.channel == "brief"], on=today())
    response = make_response(render_pdf(html, base_url=request.url_root))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="herinneringen.pdf"'
    return response


# --- the bank ----------------------------------------------------------------------------

def _bank_context(site, association) -> dict:
    return dict(site=site, association=association,
                imports=bank.imports(db.session, association.id), max_mb=2,
                open_lines=bank.line_views(db.session, association.id, today=today(),
                                           only_open=True))


@bp.route("/bank")
@association_view
def bank_page(site, access, association):
    return render_template("association/bank.html", form=UploadForm(formdata=None),
                           **_bank_context(site, association))


def _read_upload(form) -> tuple[str, bytes]:
    storage = form.file.data
    if storage is None or not getattr(storage, "filename", ""):
        raise RuleViolation(N_("Kies een bestand."), field="file")
    content = storage.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise RuleViolation(TOO_BIG, field="file")
    return storage.filename, content


@bp.route("/bank", methods=["POST"])
@association_view
def upload(site, access, association):
    """Read a bank file; one that is too large is refused before it is read."""
    if (request.content_length or 0) > MAX_UPLOAD_BYTES + 64 * 1024:
        form = UploadForm(formdata=None)
        form.file.errors = [_(TOO_BIG)]
        return render_template("association/bank.html", form=form,
                               **_bank_context(site, association)), 413
    request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    form = UploadForm()

    def read():
        name, content = _read_upload(form)
        return bank.import_file(db.session, association.id, file_name=name, content=content,
                                actor_id=current_user.id, now=utcnow())

    return save_or_render(
        form, read,
        success=lambda i: ngettext("%(num)d nieuwe bankregel ingelezen.",
                                   "%(num)d nieuwe bankregels ingelezen.", i.lines_added),
        next_url=lambda i: url_for("association.bank_import", site_id=site.id, import_id=i.id),
        template="association/bank.html", **_bank_context(site, association))


def _import_context(site, association, imported) -> dict:
    return dict(site=site, association=association, imported=imported,
                views=bank.line_views(db.session, association.id, today=today(),
                                      import_id=imported.id))


def _import_or_404(association, import_id: int):
    return owned_or_404(BankImport, import_id, association)


@bp.route("/bank/<int:import_id>")
@association_view
def bank_import(site, access, association, import_id: int):
    imported = _import_or_404(association, import_id)
    return render_template("association/bank_import.html", form=PostForm(formdata=None),
                           **_import_context(site, association, imported))


@bp.route("/bank/<int:import_id>/bevestigen", methods=["POST"])
@association_view
def confirm(site, access, association, import_id: int):
    """Confirm the ticked proposals (each line with the member shown next to it)."""
    imported = _import_or_404(association, import_id)
    form = PostForm()
    pairs = {line_id: (_ids(f"lid-{line_id}") or [None])[0] for line_id in _ids("bevestig")}

    def confirm_all():
        try:
            return bank.confirm_many(db.session, association.id, pairs, today=today(),
                                     actor_id=current_user.id)
        except NotFound:  # a ticked line that is not the association's: nothing is saved
            db.session.rollback()
            abort(404)

    return save_on_page(
        form, confirm_all,
        lambda made: ngettext("%(num)d betaling is vastgelegd.",
                              "%(num)d betalingen zijn vastgelegd.", len(made)),
        url_for("association.bank_import", site_id=site.id, import_id=imported.id),
        "association/bank_import.html", _import_context(site, association, imported))


def _line_context(site, association, line, posted: dict | None = None) -> dict:
    posted = posted or {}
    member_form = posted.get("member") or LineMemberForm(prefix="lid", formdata=None)
    book_form = posted.get("book") or LineBookForm(prefix="boek", formdata=None)
    ignore_form = posted.get("ignore") or ReasonForm(prefix="negeer", formdata=None)
    member_form.member_id.choices = [("", _("— kies —"))] + [
        (str(m.id), f"{m.number} · {m.resident.name} ({m.unit.number})")
        for m in member_service.all_members(db.session, association.id)]
    kind = EntryKind.INKOMSTEN if line.amount > 0 else EntryKind.UITGAVEN
    book_form.category_id.choices = [("", _("— kies —"))] + [
        (str(c.id), c.name) for c in books.categories(db.session, association.id, kind)]
    book_form.budget_id.choices = [("", _("— geen —"))] + [
        (str(b.id), b.name) for b in books.budgets_of(db.session, association.id,
                                                      line.booked_on.year)]
    book_form.grant_id.choices = [("", _("— geen —"))] + [
        (str(g.grant.id), g.grant.name) for g in grants.grant_rows(db.session, association.id,
                                                                   today())]
    view = next(v for v in bank.line_views(db.session, association.id, today=today(),
                                           import_id=line.import_id) if v.line.id == line.id)
    if "member" not in posted and view.member is not None:
        member_form.member_id.data = view.member.id
    return dict(site=site, association=association, view=view, member_form=member_form,
                book_form=book_form, ignore_form=ignore_form,
                earlier=bank.history(db.session, line))


def _line_or_404(association, line_id: int):
    return owned_or_404(BankLine, line_id, association)


@bp.route("/bank/regels/<int:line_id>")
@association_view
def bank_line(site, access, association, line_id: int):
    line = _line_or_404(association, line_id)
    return render_template("association/bank_line.html",
                           **_line_context(site, association, line))


def _back_to_import(site, line) -> str:
    return url_for("association.bank_import", site_id=site.id, import_id=line.import_id)


def _on_line(site, association, line_id: int, form, key: str, action, message: str):
    """One of the three ways to handle a line, posted from its page."""
    line = _line_or_404(association, line_id)
    return save_on_page(form, lambda: action(line), message, _back_to_import(site, line),
                        "association/bank_line.html",
                        _line_context(site, association, line, {key: form}))


@bp.route("/bank/regels/<int:line_id>/lid", methods=["POST"])
@association_view
def line_member(site, access, association, line_id: int):
    form = LineMemberForm(prefix="lid")
    return _on_line(site, association, line_id, form, "member", lambda line: bank.confirm_payment(
        db.session, line, member_id=form.member_id.data, today=today(),
        actor_id=current_user.id), _("De betaling is vastgelegd."))


@bp.route("/bank/regels/<int:line_id>/kasboek", methods=["POST"])
@association_view
def line_book(site, access, association, line_id: int):
    form = LineBookForm(prefix="boek")
    return _on_line(site, association, line_id, form, "book", lambda line: bank.book_line(
        db.session, line, category_id=form.category_id.data, description=form.description.data,
        budget_id=form.budget_id.data, grant_id=form.grant_id.data, actor_id=current_user.id),
        _("De bankregel staat in het kasboek."))


@bp.route("/bank/regels/<int:line_id>/negeren", methods=["POST"])
@association_view
def line_ignore(site, access, association, line_id: int):
    form = ReasonForm(prefix="negeer")
    return _on_line(site, association, line_id, form, "ignore", lambda line: bank.ignore_line(
        db.session, line, reason=form.reason.data, now=utcnow(), actor_id=current_user.id),
        _("De bankregel wordt niet geboekt."))
