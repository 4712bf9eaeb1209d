"""The release and the database it expects: ``flask noaber version`` and ``flask noaber
db-state``, which the start scripts in ``deploy/`` run before they start anything.

The database's Alembic revision is compared with the migrations this code ships:

* ``current``: the database is at this code's head; exit status 0;
* ``behind``: an empty database, or one at an earlier revision of this code's history;
  ``flask db upgrade`` brings it up; exit status 3;
* ``ahead``: the database is at a revision this code does not know (a newer release
  migrated it, or another branch); nothing may run on it, exit status 4;
* the database cannot be reached: exit status 1.

Each state is reported on one line, so that a start script that refuses says why.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

import click
import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import OperationalError
from flask import current_app
from flask.cli import AppGroup

from app import __version__
from models import db

CURRENT, BEHIND, AHEAD = 0, 3, 4

noaber_cli = AppGroup("noaber", help="Versie en databasestatus van deze installatie.")


@dataclass(frozen=True)
class DatabaseState:
    status: int
    database: tuple[str, ...]  # the revisions the database is at (none: empty)
    code: tuple[str, ...]      # this code's heads
    unknown: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        code = ", ".join(self.code)
        if self.status == AHEAD:
            return (f"Database staat op revisie {', '.join(self.unknown)}, die deze versie "
                    f"(Noaber {__version__}, revisie {code}) niet kent: de database is "
                    f"nieuwer dan de code. Start de bijbehorende versie of zet een back-up "
                    f"terug; er wordt niets gestart.")
        if self.status == BEHIND:
            at = ", ".join(self.database) if self.database else "leeg"
            return (f"Database loopt achter (revisie {at}, code {code}): "
                    f"voer 'flask db upgrade' uit.")
        return f"Database is bij (revisie {code}, Noaber {__version__})."


@lru_cache(maxsize=4)
def _script_directory(location: str) -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", location)
    return ScriptDirectory.from_config(config)


def script_directory() -> ScriptDirectory:
    """This code's migrations (read once per process: they do not change under it)."""
    return _script_directory(current_app.extensions["migrate"].directory)


def database_revisions(connection) -> tuple[str, ...]:
    """The revision(s) in Alembic's version table, read directly (Alembic's migration
    context logs a line each time it is opened, which /readyz would repeat per call)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return ()
    return tuple(sorted(connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                        .scalars()))


def database_state() -> DatabaseState:
    """Where the database of the app in context stands against this code's migrations."""
    script = script_directory()
    code = tuple(sorted(script.get_heads()))
    with db.engine.connect() as connection:
        database = database_revisions(connection)
    unknown = []
    for revision in database:
        try:
            script.get_revision(revision)
        except CommandError:
            unknown.append(revision)
    if unknown:
        return DatabaseState(AHEAD, database, code, tuple(unknown))
    return DatabaseState(CURRENT if database == code else BEHIND, database, code)


@noaber_cli.command("version")
def version_command() -> None:
    """The release of this code."""
    click.echo(f"Noaber {__version__}")


@noaber_cli.command("db-state")
def db_state_command() -> None:
    """Compare the database's revision with this code's (exit 0 current, 3 behind,
    4 ahead)."""
    try:
        state = database_state()
    except OperationalError as error:  # one line, without the URL (it may hold a password)
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        click.echo(f"Database niet bereikbaar: {reason}", err=True)
        sys.exit(1)
    click.echo(state.message, err=state.status != CURRENT)
    sys.exit(state.status)


def register(app) -> None:
    app.cli.add_command(noaber_cli)
    app.jinja_env.globals["noaber_version"] = __version__
