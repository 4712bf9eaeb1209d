"""Copy the database of ``DATABASE_URL`` to a backup file and back; run by deploy/backup and
deploy/restore (which also migrate and run the privacy job afterwards).

    python deploy/dbcopy.py backup [FILE]
    python deploy/dbcopy.py restore [--force] FILE

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (the client tools of the
server's major version or newer), given the connection through libpq's environment
variables so that no password shows in the process list. SQLite: the online backup API,
consistent while the app keeps writing. A backup is written next to its name and renamed
into place when complete, readable by its owner only (it holds personal and care data).

A restore refuses a database that holds any table unless ``--force`` is given; with
``--force`` it first drops every table of the target. A PostgreSQL backup does not go into
SQLite or the other way round.

Exit status: 0 done, 1 failed, 2 refused (nothing changed).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # config.py of this checkout

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class Refused(Exception):
    """Nothing was changed; the message says why."""


def database_url() -> sa.URL:
    # the same URL the app uses (DATABASE_URL, else the SQLite file in instance/)
    from config import Config
    return sa.make_url(Config.SQLALCHEMY_DATABASE_URI)


def libpq_env(url: sa.URL) -> dict:
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    for key, value in url.query.items():  # e.g. ?sslmode=require
        if key == "sslmode":
            env["PGSSLMODE"] = str(value)
    return env


def sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise Refused("DATABASE_URL wijst naar geen SQLite-bestand.")
    return Path(url.database)


def is_postgres(url: sa.URL) -> bool:
    return url.get_backend_name() == "postgresql"


def tables(url: sa.URL) -> list[str]:
    if not is_postgres(url) and not sqlite_path(url).exists():
        return []
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


def drop_tables(url: sa.URL) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            names = sa.inspect(conn).get_table_names()
            if is_postgres(url):
                for name in names:
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
            else:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                for name in names:
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
    finally:
        engine.dispose()


def default_name(url: sa.URL) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"noaber-{stamp}.{'pgdump' if is_postgres(url) else 'sqlite'}")


def backup(url: sa.URL, target: Path) -> None:
    target = target.resolve()
    partial = target.with_name(target.name + ".partial")
    os.umask(0o077)
    try:
        if is_postgres(url):
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                            f"--file={partial}"], env=libpq_env(url), check=True)
        else:
            source = sqlite_path(url)
            if not source.exists():
                raise Refused(f"SQLite-database {source} bestaat niet.")
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
                    sqlite3.connect(partial) as dst:
                src.backup(dst)
                check = dst.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise RuntimeError(f"SQLite integrity_check of the copy: {check}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(target)


def restore(url: sa.URL, source: Path, force: bool) -> None:
    if not source.is_file():
        raise Refused(f"Back-up {source} bestaat niet.")
    with source.open("rb") as f:
        head = f.read(16)
    kind = "postgresql" if head.startswith(PG_MAGIC) else \
        "sqlite" if head.startswith(SQLITE_MAGIC) else None
    if kind is None:
        raise Refused(f"{source} is geen back-up van deploy/backup (geen pg_dump-bestand "
                      f"in custom-formaat en geen SQLite-database).")
    target_kind = "postgresql" if is_postgres(url) else "sqlite"
    if kind != target_kind:
        raise Refused(f"{source} is een {kind}-back-up en DATABASE_URL wijst naar "
                      f"{target_kind}; terugzetten kan alleen in hetzelfde soort database.")
    present = tables(url)
    if present and not force:
        raise Refused(f"De doeldatabase is niet leeg ({len(present)} tabellen); er is niets "
                      f"veranderd. Zet terug in een lege database, of geef --force om alle "
                      f"tabellen eerst te verwijderen.")
    if present:
        drop_tables(url)
    if kind == "postgresql":
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                        "--single-transaction", f"--dbname={url.database}", str(source)],
                       env=libpq_env(url), check=True)
    else:
        target = sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
                sqlite3.connect(target) as dst:
            src.backup(dst)
    print(f"Teruggezet: {source} -> {url.render_as_string(hide_password=True)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dbcopy")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("file", nargs="?", type=Path)
    r = sub.add_parser("restore")
    r.add_argument("--force", action="store_true")
    r.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    url = database_url()
    try:
        if args.command == "backup":
            backup(url, args.file or default_name(url))
        else:
            restore(url, args.file, args.force)
    except Refused as refusal:
        print(f"{args.command}: {refusal}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"{args.command}: {error.cmd[0]} is mislukt (exit {error.returncode}).",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
