"""The user's profile page: who they are, their roles, and their personal API tokens."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.forms import blank_to_none, show_violation
from models import ApiToken, db, utcnow
from services import accounts, api_tokens
from services.errors import RuleViolation

bp = Blueprint("profile", __name__)


class TokenForm(FlaskForm):
    name = StringField(_l("Naam van het token"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Geef het token een naam, bijvoorbeeld het systeem dat het "
                                "gebruikt.")), Length(max=100)])


class RevokeForm(FlaskForm):
    pass


def _page(form: TokenForm, secret: str | None = None, status: int = 200):
    return render_template("profile/show.html", form=form, revoke_form=RevokeForm(),
                           end_sessions_form=RevokeForm(formdata=None),
                           tokens=api_tokens.tokens_of(db.session, current_user.id),
                           secret=secret), status


@bp.route("/profiel")
@login_required
def show():
    return _page(TokenForm(formdata=None))


@bp.route("/profiel/tokens", methods=["POST"])
@login_required
def create_token():
    """The new token is shown in this one answer (never flashed: the session cookie is
    signed, not encrypted) and then only its hash remains."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            made = api_tokens.create_token(db.session, current_user, form.name.data, now=utcnow())
            db.session.commit()
            return _page(TokenForm(formdata=None), secret=made.secret, status=201)
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _page(form, status=422)


@bp.route("/profiel/tokens/<int:token_id>/intrekken", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if RevokeForm().validate_on_submit():
        try:
            api_tokens.revoke_token(db.session, token, actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(_("Het token %(name)s is ingetrokken.", name=token.name), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    return redirect(url_for("profile.show"))


@bp.route("/profiel/overal-uitloggen", methods=["POST"])
@login_required
def end_sessions():
    """Ends every session of the account, on every device, this one included."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    accounts.end_all_sessions(db.session, current_user._get_current_object(),
                              actor_id=current_user.id)
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("U bent op al uw apparaten uitgelogd. Log opnieuw in om verder te gaan."), "info")
    return redirect(url_for("auth.login"))
