"""The books: the cash book with corrections, budgets, funds and grants, the settings
with the categories, and the yearly ALV statement (page, PDF, XLSX, CSV) with the
kascommissie's checklist and presenting it at the ALV. Pages of the association
blueprint."""
from __future__ import annotations

from flask import Response, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.association.forms import (AuditCheckForm, BudgetForm, CategoryForm, EntryForm,
                                   GrantForm, PresentForm, ReasonForm, SettingsForm)
from app.association.routes import association_view, bp, owned_or_404, to
from app.clock import today
from app.charts import HBarChart, hbars
from app.filters import euro, label
from app.forms import save_or_render
from app.governance.routes import save_on_page
from models import CashEntry, Grant, db, utcnow
from services.association import books, board, grants, statement
from services.association.export import audit_table, file_name, statement_tables
from services.hours.export import to_csv, to_xlsx
from services.governance.localtime import local_day


def _year(default: int) -> int:
    year = request.args.get("jaar", type=int) or default
    if not 2000 <= year <= 2100:
        abort(404)
    return year


# --- the cash book ---------------------------------------------------------------------

@bp.route("/kasboek")
@association_view
def cashbook(site, access, association):
    year = _year(today().year)
    return render_template("association/cashbook.html", site=site, association=association,
                           book=books.year_book(db.session, association.id, year),
                           years=statement.years(db.session, association.id, today()),
                           closed=books.closed_years(db.session, association.id))


def _entry_choices(form, association, year: int) -> None:
    form.category_id.choices = [("", _("— kies —"))] + [
        (str(c.id), f"{label(c.kind)}: {c.name}") for c in books.categories(db.session,
                                                                         association.id)]
    form.budget_id.choices = [("", _("— geen —"))] + [
        (str(b.id), b.name) for b in books.budgets_of(db.session, association.id, year)]
    form.grant_id.choices = [("", _("— geen —"))] + [
        (str(r.grant.id), r.grant.name) for r in grants.grant_rows(db.session, association.id,
                                                                   today())]


@bp.route("/kasboek/nieuw", methods=["GET", "POST"])
@association_view
def new_entry(site, access, association):
    form = EntryForm()
    _entry_choices(form, association, (form.booked_on.data or today()).year)
    if request.method == "GET":
        form.booked_on.data, form.account.data = today(), "bank"
    return save_or_render(
        form, lambda: books.add_entry(db.session, association.id, books.EntryData(
            form.booked_on.data, form.account.data, form.category_id.data, form.amount.data,
            form.description.data, form.budget_id.data, form.grant_id.data),
            actor_id=current_user.id),
        success=lambda e: _("De boeking is opgeslagen."),
        next_url=lambda e: url_for("association.cashbook", site_id=site.id,
                                   jaar=e.booked_on.year),
        template="association/entry_form.html", site=site, association=association)


@bp.route("/kasboek/<int:entry_id>/corrigeren", methods=["GET", "POST"])
@association_view
def correct_entry(site, access, association, entry_id: int):
    entry = owned_or_404(CashEntry, entry_id, association)
    form = ReasonForm()
    return save_or_render(
        form, lambda: books.counter_entry(db.session, entry, reason=form.reason.data,
                                          today=today(), actor_id=current_user.id),
        success=lambda c: _("De tegenboeking staat op %(date)s. Boek zo nodig opnieuw met het "
                            "juiste bedrag.", date=c.booked_on.strftime("%d-%m-%Y")),
        next_url=lambda c: url_for("association.cashbook", site_id=site.id,
                                   jaar=c.booked_on.year),
        template="association/correct_entry.html", site=site, association=association,
        entry=entry)


# --- budgets and grants ------------------------------------------------------------------

@bp.route("/begrotingen", methods=["GET", "POST"])
@association_view
def budgets(site, access, association):
    year = _year(today().year)
    form = BudgetForm()
    form.commission_id.choices = [("", _("— geen —"))] + [
        (str(c.id), c.name) for c in board.commissions(db.session, association.id)]
    if request.method == "GET":
        form.year.data = year
    rows = books.budget_rows(db.session, association.id, year)
    return save_or_render(
        form, lambda: books.save_budget(db.session, association.id, year=form.year.data,
                                        name=form.name.data,
                                        commission_id=form.commission_id.data,
                                        amount=form.amount.data, actor_id=current_user.id),
        success=lambda b: _("De begroting %(name)s is opgeslagen.", name=b.name),
        next_url=lambda b: url_for("association.budgets", site_id=site.id, jaar=b.year),
        template="association/budgets.html", site=site, association=association, year=year,
        rows=rows, chart=budget_chart(rows))


def budget_chart(rows) -> HBarChart:
    """Each budget as its whole, with what was spent on it drawn over it (red when more)."""
    scale = max([float(max(r.budget.amount, r.spent)) for r in rows] + [1.0])
    return hbars([(r.budget.name, float(r.spent), float(r.budget.amount),
                   _("%(spent)s van %(budget)s", spent=euro(r.spent), budget=euro(r.budget.amount)))
                  for r in rows], scale)


@bp.route("/fondsen")
@association_view
def grants_page(site, access, association):
    return render_template("association/grants.html", site=site, association=association,
                           rows=grants.grant_rows(db.session, association.id, today()))


def _grant_data(form) -> grants.GrantData:
    return grants.GrantData(form.funder.data, form.name.data, form.amount.data,
                            form.purpose.data, form.conditions.data, form.starts_on.data,
                            form.ends_on.data)


@bp.route("/fondsen/nieuw", methods=["GET", "POST"], defaults={"grant_id": None})
@bp.route("/fondsen/<int:grant_id>", methods=["GET", "POST"])
@association_view
def grant_form(site, access, association, grant_id: int | None):
    grant = owned_or_404(Grant, grant_id, association) if grant_id else None
    form = GrantForm(obj=grant)
    return save_or_render(
        form, lambda: grants.save_grant(db.session, association.id, grant, _grant_data(form),
                                        actor_id=current_user.id),
        success=lambda g: _("%(name)s is opgeslagen.", name=g.name),
        next_url=to("grants_page", site), template="association/grant_form.html", site=site,
        association=association, grant=grant)


# --- settings and categories --------------------------------------------------------------

@bp.route("/instellingen", methods=["GET", "POST"])
@association_view
def settings(site, access, association):
    current = books.settings_for(db.session, association.id)
    form = SettingsForm(obj=current)
    return save_or_render(
        form, lambda: books.save_settings(
            db.session, association.id, books_start=form.books_start.data,
            opening_bank=form.opening_bank.data, opening_cash=form.opening_cash.data,
            iban=form.iban.data, payment_term_days=form.payment_term_days.data,
            actor_id=current_user.id, now=utcnow()),
        success=lambda s: _("De instellingen zijn opgeslagen."), next_url=to("settings", site),
        template="association/settings.html", site=site, association=association,
        categories=books.categories(db.session, association.id))


@bp.route("/instellingen/categorie", methods=["GET", "POST"])
@association_view
def add_category(site, access, association):
    form = CategoryForm()
    return save_or_render(
        form, lambda: books.add_category(db.session, association.id, name=form.name.data,
                                         kind=form.kind.data, actor_id=current_user.id),
        success=lambda c: _("De categorie %(name)s is toegevoegd.", name=c.name),
        next_url=to("settings", site), template="association/category_form.html", site=site,
        association=association)


# --- the ALV statement ---------------------------------------------------------------------

@bp.route("/jaarverslag")
@association_view
def statement_now(site, access, association):
    return redirect(url_for("association.statement_page", site_id=site.id,
                            year=today().year - 1))


def _statement_context(site, association, year: int, posted: dict | None = None) -> dict:
    posted = posted or {}
    check_form = posted.get("check") or AuditCheckForm(formdata=None)
    check_form.item.choices = [(key, _(text)) for key, text in statement.AUDIT_ITEMS]
    present_form = posted.get("present") or PresentForm(formdata=None)
    present_form.meeting_id.choices = [("", _("— kies —"))] + [
        (str(m.id), local_day(m.starts_at).strftime("%d-%m-%Y"))
        for m in statement.alv_meetings(db.session, association.id, year)]
    return dict(site=site, association=association, year=year, on=today(),
                s=statement.build_statement(db.session, association.id, year, today()),
                years=statement.years(db.session, association.id, today()),
                items=statement.AUDIT_ITEMS,
                state=statement.audit_state(db.session, association.id, year),
                trail=statement.audit_trail(db.session, association.id, year),
                check_form=check_form, present_form=present_form)


def _statement_year(year: int) -> int:
    if not 2000 <= year <= today().year:
        abort(404)
    return year


@bp.route("/jaarverslag/<int:year>")
@association_view
def statement_page(site, access, association, year: int):
    return render_template("association/statement.html",
                           **_statement_context(site, association, _statement_year(year)))


@bp.route("/jaarverslag/<int:year>.pdf")
@association_view
def statement_pdf(site, access, association, year: int):
    from app.pdf import render_pdf

    context = _statement_context(site, association, _statement_year(year))
    html = render_template("association/statement_print.html", pdf=True, **context)
    response = make_response(render_pdf(html, base_url=request.url_root))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{file_name(association.name, year, "pdf")}"'
    return response


EXPORTS = {"xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           "csv": (to_csv, "text/csv")}  # Werkzeug adds "; charset=utf-8"


@bp.route("/jaarverslag/<int:year>.<fmt>")
@association_view
def statement_export(site, access, association, year: int, fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    year = _statement_year(year)
    write, mimetype = EXPORTS[fmt]
    tables = statement_tables(statement.build_statement(db.session, association.id, year,
                                                        today()), _)
    tables.append(audit_table(statement.audit_trail(db.session, association.id, year), _))
    return Response(write(tables), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{file_name(association.name, year, fmt)}"'})


@bp.route("/jaarverslag/<int:year>/controle", methods=["POST"])
@association_view
def audit_check(site, access, association, year: int):
    year = _statement_year(year)
    form = AuditCheckForm()
    form.item.choices = [(key, _(text)) for key, text in statement.AUDIT_ITEMS]
    return save_on_page(
        form, lambda: statement.record_check(
            db.session, association.id, year, item=form.item.data,
            checked=form.checked.data == "ja", by_name=form.by_name.data, note=form.note.data,
            now=utcnow(), actor_id=current_user.id),
        _("De controle is vastgelegd."),
        url_for("association.statement_page", site_id=site.id, year=year),
        "association/statement.html", _statement_context(site, association, year,
                                                         {"check": form}))


@bp.route("/jaarverslag/<int:year>/presenteren", methods=["POST"])
@association_view
def present(site, access, association, year: int):
    year = _statement_year(year)
    form = PresentForm()
    return save_on_page(
        form, lambda: statement.present(db.session, association.id, year,
                                        meeting_id=form.meeting_id.data, today=today(),
                                        actor_id=current_user.id),
        _("Het verslag is gepresenteerd; het jaar is afgesloten."),
        url_for("association.statement_page", site_id=site.id, year=year),
        "association/statement.html", _statement_context(site, association, year,
                                                         {"present": form}))
