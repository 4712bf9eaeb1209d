"""How a login session lives and ends (OWASP ASVS V3).

- The identity in the session is ``<user id>:<session generation>`` (``User.get_id``): a
  cookie from before a logout, a new password, a deactivation or "overal uitloggen" no
  longer loads the account, on every worker and host, since the generation is read from
  the database on every request.
- An idle timeout (``SESSION_IDLE_MINUTES``, default 30) and an absolute lifetime from
  the moment of login (``PERMANENT_SESSION_LIFETIME``), both checked on the server: the
  cookie's own expiry is up to the browser.
- Session protection binds the session to the client's address and browser. The address
  is ``request.remote_addr`` only: with ``PROXY_COUNT`` proxies ProxyFix has already set
  it from their ``X-Forwarded-For``; without proxies that header is the client's own
  word and is ignored (Flask-Login's default identifier trusts it).
- ``Cache-Control: no-store`` on every answer but the static files, so that pages with
  personal data are not kept by browsers or proxies (the back button after logout shows
  nothing).
"""
from __future__ import annotations

import time
from hashlib import sha512

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from models import User, db

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# the last-seen time is written back at most this often (each write re-sends the cookie)
SEEN_RESOLUTION_S = 30


def wall_clock() -> float:
    """Seconds since the epoch (a function of its own so tests can move time on)."""
    return time.time()


def session_identifier() -> str:
    """The client's address and browser, hashed (Flask-Login's "strong" protection)."""
    agent = request.headers.get("User-Agent", "")
    return sha512(f"{request.remote_addr}|{agent}".encode("utf-8", "replace")).hexdigest()


def load_user(identity: str) -> User | None:
    """The account of a session identity ``<id>:<generation>``; none when the account
    is deactivated or its sessions were ended since (an older identity)."""
    user_id, _sep, generation = identity.partition(":")
    if not user_id.isdigit() or not generation.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def start_session() -> None:
    """Called right after ``login_user``: the clocks of this session start now."""
    moment = int(wall_clock())
    session[LOGIN_AT] = moment
    session[SEEN_AT] = moment


def end_session_everywhere(user: User) -> None:
    """Log ``user`` out of this and every other session (the caller commits)."""
    user.end_sessions()
    logout_user()
    session.clear()


def _expired() -> str | None:
    """Why the current session has run out, or None."""
    moment = wall_clock()
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT, login_at)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    if not isinstance(login_at, int) or moment - login_at > lifetime:
        return _("U bent uitgelogd omdat u langer dan %(hours)d uur was ingelogd. Log opnieuw "
                 "in.", hours=int(lifetime // 3600))
    if isinstance(seen_at, int) and moment - seen_at > idle:
        return _("U bent uitgelogd omdat u %(minutes)d minuten niets hebt gedaan. Log opnieuw "
                 "in; niet-opgeslagen invoer is helaas verloren.",
                 minutes=current_app.config["SESSION_IDLE_MINUTES"])
    if not isinstance(seen_at, int) or moment - seen_at >= SEEN_RESOLUTION_S:
        session[SEEN_AT] = int(moment)
    return None


def register(app: Flask, login_manager) -> None:
    login_manager.user_loader(load_user)
    login_manager._session_identifier_generator = session_identifier

    @app.before_request
    def end_expired_session():
        if request.endpoint == "static" or "_user_id" not in session:
            return None
        if not current_user.is_authenticated:
            return None
        reason = _expired()
        if reason is None:
            return None
        logout_user()
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
        if request.path.startswith("/api/"):
            return None  # the API answers 401 by itself for a request without a login
        flash(reason, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")
                                if request.method == "GET" else None))

    @app.after_request
    def no_store(response):
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
