"""The Flask application factory."""
from __future__ import annotations

#: the release (pyproject.toml's version; CHANGELOG.md lists what each one changed)
__version__ = "1.0.0"

import functools
from pathlib import Path
from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import Flask, current_app, render_template, request, session
from flask.cli import ScriptInfo
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from config import DEVELOPMENT_BASE_URL, DEVELOPMENT_SECRET_KEY, MIN_SECRET_KEY_LENGTH
from app import i18n
from app.extensions import babel, csrf, limiter, login_manager, migrate
from models import db

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_PATH = BASE_DIR / "instance"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. ``test_config`` overrides the settings of :class:`config.Config`."""
    app = Flask(__name__, instance_path=str(INSTANCE_PATH))
    app.config.from_object("config.Config")
    if test_config:
        app.config.update(test_config)
    check_settings(app)
    if not app.config["BASE_URL"]:  # only debug and the tests get here without one
        app.config["BASE_URL"] = DEVELOPMENT_BASE_URL
    make_instance_folder(app)
    register_logging(app)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_cli(app)
    register_template_helpers(app)
    register_bench_headers(app)
    register_health(app)
    return app


def register_logging(app: Flask) -> None:
    """Logs (app/logs.py) and, with SENTRY_DSN, scrubbed error reports."""
    from app import error_reports, logs

    logs.register(app)
    error_reports.init(app)


def register_health(app: Flask) -> None:
    from app.health import register

    register(app)


class SettingsError(click.ClickException):
    """Settings the app will not start with; the message has one line per problem, each
    starting with the setting's name. A ClickException, so the flask command prints the
    lines and exits with status 78 (EX_CONFIG) instead of a traceback; gunicorn.conf.py
    does the same for gunicorn (status 4, its "App failed to load")."""

    exit_code = 78


MAIL_BACKENDS = ("smtp", "log")


def settings_problems(settings) -> list[str]:
    """What is wrong with ``settings`` (an app's config), one line per problem: values
    that cannot work, refused always. What a production process that serves pages or
    sends mail needs besides is in :func:`serving_problems`."""
    problems = list(config.SETTING_PROBLEMS.values())
    proxies = settings.get("PROXY_COUNT")
    if (not isinstance(proxies, int) or isinstance(proxies, bool) or proxies < 0) \
            and "PROXY_COUNT" not in config.SETTING_PROBLEMS:
        problems.append(f"PROXY_COUNT: {proxies!r} is not a whole number of at least 0 "
                        "(the number of reverse proxies in front of the app)")
    backend = settings.get("MAIL_BACKEND")
    if backend not in MAIL_BACKENDS:
        problems.append(f"MAIL_BACKEND: unknown backend {backend!r}; use smtp (send the "
                        "e-mails) or log (write them to the log)")
    base_url = settings.get("BASE_URL") or ""
    if base_url and not _is_web_address(base_url):
        problems.append(f"BASE_URL: {base_url!r} is not an http:// or https:// address "
                        "with a host name, e.g. https://noaber.example.nl")
    return problems


def serving_problems(settings) -> list[str]:
    """What a production process that serves pages or sends mail (a web worker, the
    scheduler, the commands that invite or seed) needs beyond :func:`settings_problems`:
    a key of its own (the development key is public), the address links point to, and
    mail that is really sent. The database commands (``flask db upgrade``, ``flask noaber
    db-state``) run without them, so an installation can migrate in a release step that
    knows only the database."""
    problems = []
    key = settings.get("SECRET_KEY") or ""
    if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY: set SECRET_KEY or SECRET_KEY_FILE to a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters (e.g. python3 -c 'import secrets; "
            f"print(secrets.token_urlsafe(48))'); the development key is public.")
    if not settings.get("BASE_URL"):
        problems.append("BASE_URL: not set; set it to the address where the installation "
                        "is reached, e.g. https://noaber.example.nl (links in e-mails "
                        "point there)")
    if settings.get("MAIL_BACKEND") == "log" and not settings.get("MAIL_LOG_ALLOWED"):
        problems.append("MAIL_BACKEND: log writes the e-mails to the log and sends none; "
                        "set MAIL_BACKEND=smtp and MAIL_SERVER, or MAIL_LOG_ALLOWED=1 if "
                        "this installation must not send mail")
    return problems


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is no number)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) \
        and not parts.query and not parts.fragment


def check_settings(app: Flask) -> None:
    """Refuse to start on settings that cannot work or that would make the installation
    unsafe. Debug and the tests may use the development key, no BASE_URL and the log
    mail backend; everything else needs its own. Under the ``flask`` command the serving
    settings are checked by the commands that serve or send (:func:`require_serving`);
    a web worker (gunicorn, any WSGI server, ``flask run``) checks them here, at load."""
    production = not (app.debug or app.testing)
    problems = settings_problems(app.config)
    serving = serving_problems(app.config) if production else []
    command = click.get_current_context(silent=True)
    if serving and command is not None and command.info_name != "run":
        app.extensions["noaber.serving_problems"] = serving
        serving = []
    if problems or serving:
        raise SettingsError("\n".join(problems + serving))


def require_serving(command: click.Command) -> None:
    """Make ``command`` (and a group's subcommands) refuse to run, with the settings'
    lines, when its app was built without what serving needs (:func:`check_settings`)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            require_serving(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, "requires_serving", False):
        return

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        problems = app.extensions.get("noaber.serving_problems")
        if problems:
            raise SettingsError("\n".join(problems))
        return callback(*args, **kwargs)

    checked.requires_serving = True  # type: ignore[attr-defined]
    command.callback = checked


def make_instance_folder(app: Flask) -> None:
    """Create ``instance/`` only for a SQLite database file inside it (the default
    database); with PostgreSQL the code folder may well be read-only."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    folder = Path(app.instance_path).resolve()
    if folder in Path(url.database).resolve().parents:
        folder.mkdir(parents=True, exist_ok=True)


def select_locale() -> str:
    """The user's chosen language, else the one picked this session, else Dutch."""
    languages = ("nl", "en")
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return "nl"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    i18n.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    from app import sessions

    sessions.register(app, login_manager)


def register_blueprints(app: Flask) -> None:
    from app.admin.accounts import bp as accounts_bp
    from app.admin.routes import bp as admin_bp
    from app.auth.account import bp as account_bp
    from app.association import books_routes, money_routes  # noqa: F401  (add to association_bp)
    from app.association.routes import bp as association_bp
    from app.auth.routes import bp as auth_bp
    from app.auth.sso import bp as sso_bp
    from app.governance import (alv_routes, meeting_routes as governance_meetings,  # noqa: F401
                                plan_routes)  # (add their pages to governance_bp)
    from app.governance.routes import bp as governance_bp
    from app.hours.routes import bp as hours_bp
    from app.imo import meeting_routes  # noqa: F401  (adds the meeting pages to imo_bp)
    from app.imo.routes import bp as imo_bp
    from app.imports.routes import bp as imports_bp
    from app.service_accounts import webhook_routes  # noqa: F401  (adds the webhook pages)
    from app.service_accounts.routes import bp as service_accounts_bp
    from app.monitoring.routes import bp as monitoring_bp
    from app.privacy.routes import bp as privacy_bp
    from app.profile.routes import bp as profile_bp
    from app.residents.routes import bp as residents_bp
    from app.rooms import (booking_routes, manage_routes,  # noqa: F401  (add to rooms_bp)
                           public_routes)
    from app.rooms.routes import bp as rooms_bp
    from app.sites import role_routes  # noqa: F401  (adds the roles pages to sites_bp)
    from app.sites.routes import bp as sites_bp

    for blueprint in (auth_bp, sites_bp, residents_bp, admin_bp, imo_bp, monitoring_bp, hours_bp,
                      governance_bp, rooms_bp, association_bp):
        app.register_blueprint(blueprint)
    from app.help.routes import bp as help_bp
    from app.start.routes import bp as start_bp

    for blueprint in (profile_bp, privacy_bp, account_bp, accounts_bp, sso_bp, imports_bp,
                      service_accounts_bp, start_bp, help_bp):
        app.register_blueprint(blueprint)
    from app.api import init_api
    from app.hardening import init_hardening

    init_api(app)
    init_hardening(app)


def register_errorhandlers(app: Flask) -> None:
    messages = {
        400: lambda: _("Het verzoek kon niet worden verwerkt. Probeer het opnieuw."),
        403: lambda: _("U hebt geen toegang tot deze pagina."),
        404: lambda: _("Deze pagina bestaat niet (meer)."),
        401: lambda: _("Log in om deze pagina te zien."),
        405: lambda: _("Deze actie is hier niet mogelijk."),
        413: lambda: _("Het bestand of formulier is te groot. Een bestand mag hoogstens "
                       "%(mb)s MB zijn.", mb=current_app.config["MAX_CONTENT_LENGTH"] // 2**20),
        422: lambda: _("Het verzoek kon niet worden verwerkt. Controleer de invoer."),
        429: lambda: _("Te veel pogingen. Wacht een minuut en probeer het dan opnieuw."),
        500: lambda: _("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    }

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            db.session.rollback()
        if request.path.startswith("/api/"):  # the API answers in JSON (app/api/errors.py)
            from app.api.errors import from_http_exception
            return from_http_exception(error if code != 500 else InternalServerError())
        if code == 403:  # why, and whom to ask, with the site's menu kept
            from app.links import forbidden_help
            return render_template("error.html", code=code, message=messages[code](),
                                   **forbidden_help()), code
        return render_template("error.html", code=code, message=messages[code]()), code

    for code in messages:
        app.register_error_handler(code, render_error)

    def refuse_csrf(error: CSRFError):
        # a form left open past the session, sent twice, or posted from elsewhere: the
        # request is refused whole, and the person is told what to do
        return render_template("error.html", code=400, message=_(
            "Dit formulier is verlopen of niet compleet verstuurd; er is niets opgeslagen. "
            "Ga terug, vernieuw de pagina en probeer het opnieuw.")), 400

    app.register_error_handler(CSRFError, refuse_csrf)


CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                           "script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'self'; object-src 'none'")


def register_security_headers(app: Flask) -> None:
    from app.auth.sso import provider_origins

    @app.after_request
    def set_headers(response):
        policy = CONTENT_SECURITY_POLICY
        origins = provider_origins()
        if origins:  # the logout form goes on to a single sign-on provider's logout
            policy = policy.replace("form-action 'self'",
                                    "form-action 'self' " + " ".join(origins))
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def register_cli(app: Flask) -> None:
    from app import release
    from app.cli import register

    register(app)
    release.register(app)


def register_template_helpers(app: Flask) -> None:
    from app import filters, links

    filters.register(app)
    links.register(app)


def register_bench_headers(app: Flask) -> None:
    from app import bench

    bench.register(app)
