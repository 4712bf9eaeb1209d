"""Log in, log out and the language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.auth.forms import LanguageForm, LoginForm
from app.auth.limits import count_attempt
from app.sessions import end_session_everywhere, start_session
from models import db, utcnow
from services import sso as sso_service
from services.accounts import authenticate

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow a login (no open redirects); a control character
    (CR/LF would split the Location header) or other unprintable text never does."""
    if not target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target


def complete_login(user, next_url: str | None, method: str = sso_service.PASSWORD):
    """Log ``user`` in with a fresh session (the language chosen before stays) and go on
    to ``next_url`` or the start page; ``method`` is how they proved who they are
    ("password" or "sso:<provider>")."""
    sso_service.record_login(db.session, user, method, utcnow())
    db.session.commit()
    lang = session.get("lang")
    session.clear()  # a fresh session on login; the language chosen before stays
    if lang:
        session["lang"] = lang
        if not user.locale:
            user.locale = lang
            db.session.commit()
    login_user(user)
    start_session()
    return redirect(next_url or url_for("start.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The password; with a second factor on, the code follows (account.login_code)."""
    if current_user.is_authenticated:
        return redirect(url_for("sites.index"))
    form = LoginForm()
    if form.validate_on_submit():
        refusal = count_attempt(form.email.data)
        if refusal is not None:
            form.form_errors.append(refusal.message)
            return render_template("auth/login.html", form=form, sso_providers=[]), 429, {
                "Retry-After": str(refusal.retry_after)}
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            if user.has_second_factor:
                from app.auth.account import begin_second_step
                return begin_second_step(user, next_url)
            return complete_login(user, next_url)
        form.form_errors.append(_("Onbekend e-mailadres of verkeerd wachtwoord."))
    return render_template("auth/login.html", form=form,
                           sso_providers=list(sso_service.providers(current_app.config)
                                              .values()),
                           next_url=safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends this session and every other one of the account (a copied cookie dies too);
    a session opened by single sign-on goes on to the provider's logout, if it has one."""
    from app.auth.sso import SSO_SESSION, logout_redirect

    opened = session.get(SSO_SESSION)
    if current_user.is_authenticated:
        end_session_everywhere(current_user._get_current_object())
        db.session.commit()
    session.clear()
    flash(_("U bent uitgelogd."), "info")
    return redirect(logout_redirect(opened) or url_for("auth.login"))


@bp.route("/taal", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("sites.index"))
