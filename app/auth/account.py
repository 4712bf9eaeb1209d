"""Getting into an account without a password typed by someone else: a forgotten
password, an invitation, a new e-mail address confirmed, and the login's second step.

Every link is signed and works once (:mod:`services.tokens`, :mod:`services.invitations`).
A link that no longer works says why and whom to ask. "Wachtwoord vergeten?" answers the
same whether or not the address has an account, and is rate-limited.
"""
from __future__ import annotations

from datetime import timedelta

from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import mails
from app.auth.forms import (AcceptInvitationForm, ConfirmForm, ForgotPasswordForm,
                            LoginCodeForm, NewPasswordForm)
from app.auth.limits import count_code_attempt, count_reset_request
from app.auth.routes import complete_login
from app.forms import show_violation
from app.sessions import load_user, start_session, wall_clock
from models import db, utcnow
from services import accounts, invitations, tokens, totp
from services.errors import RuleViolation
from services.tokens import TokenError

bp = Blueprint("account", __name__)

PENDING = "_second_step"
#: what a person required to set up the second factor may still open
SETUP_ENDPOINTS = {"profile.second_factor", "auth.logout", "auth.set_language", "static"}


def clock():
    """The current instant (a function of its own so tests can move time on)."""
    return utcnow()


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


# --- a forgotten password --------------------------------------------------------

@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        refusal = count_reset_request(form.email.data)
        if refusal is not None:
            form.form_errors.append(refusal.message)
            return render_template("auth/forgot_password.html", form=form), 429, {
                "Retry-After": str(refusal.retry_after)}
        user = accounts.find_user_by_email(db.session, form.email.data)
        if user is not None and user.active:
            token = tokens.reset_token(_secret(), user, clock())
            mails.password_reset(user, mails.link("account.reset_password", token=token))
            db.session.commit()
        # the same answer for every address: it tells nobody which ones have an account
        return redirect(url_for("account.reset_link_sent"))
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/wachtwoord-vergeten/verstuurd")
def reset_link_sent():
    return render_template("auth/forgot_password_sent.html")


def _link_problem(reason: str, template: str = "auth/link_problem.html", **context):
    return render_template(template, reason=reason, **context), 410 \
        if reason in ("expired", "used", "withdrawn", "superseded") else 404


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    max_age = timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    try:
        user = tokens.user_for_reset(db.session, _secret(), token, max_age=max_age,
                                     now=clock())
    except TokenError as error:
        return _link_problem(error.reason, kind="reset")
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            tokens.reset_password(db.session, user, form.password.data)
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("Uw nieuwe wachtwoord is ingesteld en u bent overal uitgelogd. Log in met "
                    "het nieuwe wachtwoord."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, user=user), \
        422 if form.errors else 200


# --- an invitation ---------------------------------------------------------------

@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.invitation_for(db.session, _secret(), token, now=clock())
    except TokenError as error:
        return _link_problem(error.reason, kind="invitation",
                             invitation=error.payload.get("invitation"))
    if current_user.is_authenticated:
        return render_template("auth/link_problem.html", reason="logged_in",
                               kind="invitation", invitation=invitation), 409
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.name
    if form.validate_on_submit():
        try:
            user = invitations.accept(db.session, invitation, name=form.name.data,
                                      password=form.password.data, now=clock())
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            response = complete_login(user, None)  # a fresh session: flash after it
            flash(_("Welkom bij Noaber, %(name)s. Uw account is klaar.", name=user.name),
                  "success")
            return response
    return render_template("auth/accept_invitation.html", form=form,
                           invitation=invitation), 422 if form.errors else 200


# --- a new e-mail address confirmed ----------------------------------------------

@bp.route("/e-mailadres-bevestigen/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """A GET only shows the question (mail scanners open links); the POST changes."""
    max_age = timedelta(hours=current_app.config["EMAIL_CHANGE_HOURS"])
    try:
        change = tokens.email_change_for(db.session, _secret(), token, max_age=max_age,
                                         now=clock())
    except TokenError as error:
        return _link_problem(error.reason, kind="email")
    if current_user.is_authenticated and current_user.id != change.user.id:
        return _link_problem("invalid", kind="email")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            old = tokens.confirm_email_change(db.session, change)
            mails.email_changed_notice(change.user, old)
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            flash(_("Uw e-mailadres is nu %(email)s.", email=change.new_email), "success")
            return redirect(url_for("profile.show") if current_user.is_authenticated
                            else url_for("auth.login"))
    return render_template("auth/confirm_email.html", form=form, change=change), \
        422 if form.errors else 200


# --- the login's second step -----------------------------------------------------

def begin_second_step(user, next_url: str | None, sso_session: dict | None = None):
    """The password (or a provider that does not enforce a second factor) was right and
    the account has a second factor: remember who is halfway (no login yet) and ask for
    the code."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING] = {"id": user.get_id(), "at": int(wall_clock()), "next": next_url,
                        "sso": sso_session}
    return redirect(url_for("account.login_code"))


def _pending_user():
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None, None
    minutes = current_app.config["LOGIN_CODE_MINUTES"]
    if wall_clock() - pending["at"] > minutes * 60:
        return None, None
    user = load_user(str(pending.get("id", "")))
    if user is None or not user.has_second_factor:
        return None, None
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("sites.index"))
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Log opnieuw in: de tijd voor de code is om."), "info")
        return redirect(url_for("auth.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        refusal = count_code_attempt(user.email)
        if refusal is not None:
            form.form_errors.append(refusal.message)
            return render_template("auth/login_code.html", form=form), 429, {
                "Retry-After": str(refusal.retry_after)}
        used = totp.verify(db.session, user, form.code.data, clock())
        if used is not None:
            db.session.commit()
            opened = pending.get("sso")
            method = f"sso:{opened['key']}" if isinstance(opened, dict) else "password"
            response = complete_login(user, pending.get("next"), method=method)
            if isinstance(opened, dict):
                session["_sso"] = opened
            if used == "recovery":
                flash(_("U bent ingelogd met een herstelcode; die werkt nu niet meer. Nog "
                        "%(n)s over.", n=totp.unused_recovery_codes(db.session, user)), "info")
            return response
        db.session.rollback()
        form.code.errors = [*form.code.errors, _("Deze code klopt niet of is al gebruikt.")]
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200


@bp.before_app_request
def require_second_factor_setup():
    """A person whose roles require the second factor and who has none yet can only set
    it up (or log out) until it is done."""
    if request.endpoint in SETUP_ENDPOINTS or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    required = current_app.config.get("TOTP_REQUIRED_ROLES") or ()
    opened = session.get("_sso")
    if isinstance(opened, dict) and opened.get("mfa"):
        return None  # signed in through a provider that enforces its own second factor
    if required and totp.must_set_up(current_user, required):
        if request.method == "GET":
            flash(_("Stel eerst tweestapsverificatie in; dat is verplicht voor uw rol."), "info")
        return redirect(url_for("profile.second_factor"))
    return None


def relogin(user) -> None:
    """Keep this session after a change that ended every session of ``user`` (a new
    password): log in again with the new session generation."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    start_session()
