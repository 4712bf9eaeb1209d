"""Service accounts: list, create (organisation, name, scope per site), their tokens
(made with an expiry date, shown once, revocable) and revoking an account. For admins,
and for a sociaal beheerder for the corporations and sites they manage
(services/service_accounts.py)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional

from app.clock import today
from app.forms import blank_to_none, show_violation
from app.service_accounts.labels import STATUS_LABELS
from models import ApiToken, ServiceAccount, db
from services import service_accounts as service
from services.errors import RuleViolation
from services.webhooks import endpoints as webhooks

bp = Blueprint("service_accounts", __name__, url_prefix="/koppelingen")

SCOPES = (("", _l("geen toegang")), ("read", _l("alleen lezen")),
          ("write", _l("lezen en schrijven")))


class AccountForm(FlaskForm):
    name = StringField(_l("Naam van de koppeling"), filters=[blank_to_none])
    organisation_id = SelectField(_l("Organisatie"), choices=[], validate_choice=False)


class TokenForm(FlaskForm):
    name = StringField(_l("Naam van het token"), filters=[blank_to_none])
    expires_on = DateField(_l("Geldig tot"), validators=[Optional()])


class PostForm(FlaskForm):
    """Only the CSRF token."""


def _manager():
    manager = service.manager_of(db.session, current_user)
    if not manager.any:
        abort(403)
    return manager


def _index(manager, form, status=200):
    form.organisation_id.choices = [("", _("— kies —"))] + [
        (str(o.id), o.name) for o in service.organisations_for(db.session, manager)]
    hooks = webhooks.endpoints_for(db.session, manager)
    return render_template("service_accounts/index.html", form=form,
                           accounts=service.accounts_for(db.session, manager), webhooks=hooks,
                           last_deliveries=webhooks.last_deliveries(
                               db.session, [h.id for h in hooks]), status_labels=STATUS_LABELS,
                           sites=service.sites_for(db.session, manager), scopes=SCOPES,
                           chosen={k: request.form.get(k, "") for k in request.form}), status


@bp.route("/")
@login_required
def index():
    return _index(_manager(), AccountForm(formdata=None))


@bp.route("/", methods=["POST"])
@login_required
def create():
    manager = _manager()
    form = AccountForm()
    form.organisation_id.choices = []
    if form.validate_on_submit():
        scopes = {}
        for site in service.sites_for(db.session, manager):
            value = request.form.get(f"site{site.id}", "")
            if value in ("read", "write"):
                scopes[site.id] = value == "write"
        try:
            org_id = int(form.organisation_id.data) if (form.organisation_id.data or "") \
                .isdigit() else None
            account = service.create_account(db.session, manager, organisation_id=org_id,
                                             name=form.name.data, scopes=scopes,
                                             actor_id=current_user.id)
            db.session.commit()
            flash(_("De koppeling %(name)s is aangemaakt. Maak nu een token.",
                    name=account.name), "success")
            return redirect(url_for("service_accounts.show", account_id=account.id))
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _index(manager, form, 422)


def _account(manager, account_id: int) -> ServiceAccount:
    account = db.session.get(ServiceAccount, account_id)
    if account is None:
        abort(404)
    if not service.may_manage(manager, account):
        abort(403)
    return account


def _show(account, form, secret=None, status=200):
    return render_template("service_accounts/show.html", account=account, form=form,
                           post_form=PostForm(formdata=None),
                           tokens=service.tokens_of(db.session, account), secret=secret,
                           max_days=service.MAX_TOKEN_DAYS), status


@bp.route("/<int:account_id>")
@login_required
def show(account_id: int):
    return _show(_account(_manager(), account_id), TokenForm(formdata=None))


@bp.route("/<int:account_id>/tokens", methods=["POST"])
@login_required
def create_token(account_id: int):
    """The secret is shown in this answer only (never flashed)."""
    account = _account(_manager(), account_id)
    form = TokenForm()
    if form.validate_on_submit():
        try:
            made = service.create_token(db.session, account, name=form.name.data,
                                        expires_on=form.expires_on.data, today=today(),
                                        actor_id=current_user.id)
            db.session.commit()
            return _show(account, TokenForm(formdata=None), made.secret, 201)
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _show(account, form, status=422)


@bp.route("/<int:account_id>/tokens/<int:token_id>/intrekken", methods=["POST"])
@login_required
def revoke_token(account_id: int, token_id: int):
    account = _account(_manager(), account_id)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != account.user_id:
        abort(404)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        service.revoke_token(db.session, account, token, actor_id=current_user.id)
        db.session.commit()
        flash(_("Het token is ingetrokken."), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("service_accounts.show", account_id=account.id))


@bp.route("/<int:account_id>/intrekken", methods=["POST"])
@login_required
def revoke(account_id: int):
    account = _account(_manager(), account_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        service.revoke_account(db.session, account, actor_id=current_user.id)
        db.session.commit()
        flash(_("De koppeling is ingetrokken; haar tokens werken niet meer."), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("service_accounts.show", account_id=account.id))
