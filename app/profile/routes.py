"""The user's profile page: who they are, their roles, their name, e-mail address and
password, two-factor authentication, "overal uitloggen" and their personal API tokens."""
from __future__ import annotations

from datetime import timedelta

from flask import (Blueprint, abort, current_app, flash, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from app.auth import mails
from app.auth.account import clock, relogin
from app.auth.forms import LoginCodeForm, NewPasswordForm
from app.clock import now as clock_now
from app.extensions import limiter
from app.forms import NOT_SAVED, blank_to_none, commit_form, show_violation
from models import ApiToken, db, utcnow
from services import accounts, api_tokens, audit, invitations, tokens, totp
from services.errors import RuleViolation
from services.notify import feed as feed_service, preferences as notify_preferences
from services.passwords import check_new_password

bp = Blueprint("profile", __name__)


class TokenForm(FlaskForm):
    name = StringField(_l("Naam van het token"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Geef het token een naam, bijvoorbeeld het systeem dat het "
                                "gebruikt.")), Length(max=100)])


class RevokeForm(FlaskForm):
    pass


class NameForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)],
        render_kw={"autocomplete": "name"})


def _current_password():
    return PasswordField(_l("Huidig wachtwoord"), validators=[
        DataRequired(message=_l("Vul uw huidige wachtwoord in.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(NewPasswordForm):
    current = _current_password()


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("Nieuw e-mailadres"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een e-mailadres in.")),
        Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    password = _current_password()


class PasswordOnlyForm(FlaskForm):
    password = _current_password()


FEED_RATE_LIMIT = "60 per minute"   # as the room feeds
DELIVERY_LABELS = {"now": _l("direct"), "digest": _l("in het weekoverzicht"),
                   "off": _l("uit")}


def _page(form: TokenForm | None = None, secret: str | None = None, status: int = 200,
          feed_token: str | None = None, **forms):
    user = current_user._get_current_object()
    context_feed = {
        "feed_live": feed_service.live_token(db.session, user.id) is not None,
        "feed_url": (current_app.config["BASE_URL"].rstrip("/")
                     + url_for("profile.personal_feed", token=feed_token))
        if feed_token else None,
        "preferences": notify_preferences.preferences_of(db.session, user),
        "preference_kinds": notify_preferences.KINDS, "delivery_labels": DELIVERY_LABELS,
        "has_email": bool((user.email or "").strip())}
    forms = {**context_feed, **forms}
    context = {
        "name_form": NameForm(formdata=None, obj=user, prefix="nm"),
        "password_form": PasswordChangeForm(formdata=None, prefix="pw"),
        "email_form": EmailChangeForm(formdata=None, prefix="em"),
        **forms}
    return render_template(
        "profile/show.html", form=form or TokenForm(formdata=None), revoke_form=RevokeForm(),
        end_sessions_form=RevokeForm(formdata=None),
        tokens=api_tokens.tokens_of(db.session, current_user.id), secret=secret,
        may_invite=invitations.may_invite(db.session, user),
        second_factor_required=totp.is_required(
            user, current_app.config.get("TOTP_REQUIRED_ROLES") or ()), **context), status


@bp.route("/profiel/naam", methods=["POST"])
@login_required
def change_name():
    form = NameForm(prefix="nm")
    if form.validate_on_submit():
        user = current_user._get_current_object()
        changes = audit.changes_between(user, {"name": form.name.data})
        if changes:
            user.name = form.name.data
            audit.record(db.session, actor_id=user.id, entity_type="user", entity_id=user.id,
                         action="update", changes=changes)
            db.session.commit()
        flash(_("Uw naam is opgeslagen."), "success")
        return redirect(url_for("profile.show"))
    return _page(status=422, name_form=form)


@bp.route("/profiel/wachtwoord", methods=["POST"])
@login_required
def change_password():
    """A new password (the current one is asked): every other session ends, this one
    stays."""
    form = PasswordChangeForm(prefix="pw")
    user = current_user._get_current_object()

    def change():
        if not user.check_password(form.current.data or ""):
            raise RuleViolation("Het huidige wachtwoord klopt niet.", field="current")
        check_new_password(form.password.data, email=user.email)
        user.set_password(form.password.data)
        audit.record(db.session, actor_id=user.id, entity_type="user", entity_id=user.id,
                     action="change_password", changes={"password": ["***", "***"]})

    if commit_form(form, change) is NOT_SAVED:
        return _page(status=422, password_form=form)
    relogin(user)
    flash(_("Uw nieuwe wachtwoord is ingesteld. Op uw andere apparaten bent u "
            "uitgelogd."), "success")
    return redirect(url_for("profile.show"))


@bp.route("/profiel/e-mailadres", methods=["POST"])
@login_required
def change_email():
    """The new address is only used once confirmed through a link sent to it; the old
    address is told when that happens."""
    form = EmailChangeForm(prefix="em")
    user = current_user._get_current_object()

    def request_change():
        email, token = tokens.request_email_change(
            db.session, current_app.config["SECRET_KEY"], user, form.email.data,
            form.password.data, clock())
        mails.email_change(user, email, mails.link("account.confirm_email", token=token))
        return email

    email = commit_form(form, request_change)
    if email is NOT_SAVED:
        return _page(status=422, email_form=form)
    flash(_("We hebben een e-mail gestuurd naar %(email)s. Klik op de link daarin om "
            "het nieuwe adres te bevestigen; tot dan blijft %(old)s uw adres.",
            email=email, old=user.email), "info")
    return redirect(url_for("profile.show"))


# --- two-factor authentication ---------------------------------------------------

def _second_factor_page(code_form=None, password_form=None, off_form=None, codes=None,
                        status=200):
    user = current_user._get_current_object()
    context = {"codes": codes, "code_form": code_form or LoginCodeForm(formdata=None),
               "password_form": password_form or PasswordOnlyForm(formdata=None),
               "off_form": off_form or PasswordOnlyForm(formdata=None, prefix="off"),
               "required": totp.is_required(
                   user, current_app.config.get("TOTP_REQUIRED_ROLES") or ())}
    if not user.has_second_factor:
        totp.start_setup(db.session, user)
        db.session.commit()
        uri = totp.provisioning_uri(user, current_app.config["TOTP_ISSUER"])
        context.update(qr=totp.qr_data_uri(uri), secret=totp.grouped_secret(user.totp_secret))
    else:
        context["unused"] = totp.unused_recovery_codes(db.session, user)
    return render_template("profile/second_factor.html", **context), status


@bp.route("/profiel/tweestapsverificatie", methods=["GET", "POST"])
@login_required
def second_factor():
    """Set-up: a QR code and the secret as text, confirmed with a first code; the ten
    recovery codes are shown in this one answer."""
    user = current_user._get_current_object()
    if request.method == "GET":
        return _second_factor_page()
    if user.has_second_factor:  # confirmed meanwhile (another tab)
        return redirect(url_for("profile.second_factor"))
    form = LoginCodeForm()
    codes = commit_form(form, lambda: totp.confirm(db.session, user, form.code.data, clock()))
    if codes is NOT_SAVED:
        return _second_factor_page(code_form=form, status=422)
    return _second_factor_page(codes=codes, status=201)


@bp.route("/profiel/tweestapsverificatie/herstelcodes", methods=["POST"])
@login_required
def new_recovery_codes():
    form = PasswordOnlyForm()
    codes = commit_form(form, lambda: totp.regenerate_recovery_codes(
        db.session, current_user._get_current_object(), form.password.data, clock()))
    if codes is NOT_SAVED:
        return _second_factor_page(password_form=form, status=422)
    return _second_factor_page(codes=codes, status=201)


@bp.route("/profiel/tweestapsverificatie/uitzetten", methods=["POST"])
@login_required
def second_factor_off():
    form = PasswordOnlyForm(prefix="off")
    user = current_user._get_current_object()
    if commit_form(form, lambda: totp.switch_off(
            db.session, user, form.password.data,
            current_app.config.get("TOTP_REQUIRED_ROLES") or (), clock())) is NOT_SAVED:
        return _second_factor_page(off_form=form, status=422)
    relogin(user)
    flash(_("Tweestapsverificatie staat uit."), "success")
    return redirect(url_for("profile.show"))


@bp.route("/profiel")
@login_required
def show():
    return _page()


@bp.route("/profiel/tokens", methods=["POST"])
@login_required
def create_token():
    """The new token is shown in this one answer (never flashed: the session cookie is
    signed, not encrypted) and then only its hash remains."""
    form = TokenForm()
    made = commit_form(form, lambda: api_tokens.create_token(
        db.session, current_user, form.name.data, now=utcnow()))
    if made is NOT_SAVED:
        return _page(form, status=422)
    return _page(TokenForm(formdata=None), secret=made.secret, status=201)


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


@bp.route("/profiel/meldingen", methods=["POST"])
@login_required
def save_preferences():
    """Per kind of notification: at once, in the weekly digest, or off."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    choices = {kind: request.form.get(f"pref-{kind}") for kind in notify_preferences.KINDS}
    try:
        notify_preferences.save(db.session, current_user, choices)
        db.session.commit()
        flash(_("Uw keuzes voor e-mailberichten zijn opgeslagen."), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return _page(status=422)
    return redirect(url_for("profile.show"))


@bp.route("/profiel/agenda-feed", methods=["POST"])
@login_required
def create_feed():
    """The feed's address is shown in this one answer; then only its hash remains."""
    if not RevokeForm().validate_on_submit():
        abort(400)
    token = feed_service.create_token(db.session, current_user, now=utcnow())
    db.session.commit()
    return _page(feed_token=token, status=201)


@bp.route("/profiel/agenda-feed/intrekken", methods=["POST"])
@login_required
def revoke_feed():
    if RevokeForm().validate_on_submit():
        try:
            feed_service.revoke_token(db.session, current_user, now=utcnow())
            db.session.commit()
            flash(_("Uw agenda-feed is ingetrokken; het oude adres werkt niet meer."),
                  "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    return redirect(url_for("profile.show"))


@bp.route("/agenda/mijn/<token>.ics")
@limiter.limit(FEED_RATE_LIMIT)
def personal_feed(token: str):
    user = personal_feed_user(token)
    data = feed_service.feed_of(db.session, user, clock_now(),
                                        current_app.config["BASE_URL"])
    response = make_response(data)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def personal_feed_user(token: str):
    user = feed_service.find_user(db.session, token)
    if user is None:
        abort(404)
    return user
