"""A corporation-sized dataset for load and benchmark runs (``flask seed scale``).

Deterministic for a given ``seed`` and ``today``: many sites over many years, with the
registry and its dated support history, hours and closed months, the room agendas,
governance meetings with minutes and action items, the IMO with its waiting lists and,
when the woonvereniging's books exist, members, dues and payments.

Unlike the demo (services/seed/demo.py) nothing here goes through the per-row service
functions: rows are generated in Python with their ids assigned up front and written
with bulk inserts of a few thousand rows at a time, with values that satisfy every
constraint of the schema (one current resident per unit, no two booked occurrences of a
room overlapping, ...). For N=100 sites over 5 years that is about a million rows.
"""
from __future__ import annotations

import hashlib
import random
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import db

EMAIL_DOMAIN = "scale.example"
CHUNK = 5000


def feed_token(seed: int, room_id: int) -> str:
    """The calendar-feed token the scale seed gives a room (so a benchmark can use it)."""
    return hashlib.sha256(f"noaber-scale-{seed}-{room_id}".encode()).hexdigest()[:40]


def at(day: date, hour: int = 12) -> datetime:
    """An aware UTC instant on ``day`` (for ``created_at``-like columns)."""
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


class Writer:
    """Collects generated rows per table, hands out ids, and writes them in chunks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.next_ids: dict[str, int] = {}
        self.pending: dict[str, list[dict]] = {}
        self.counts: Counter[str] = Counter()
        self.tables = db.metadata.tables

    def new_id(self, table: str) -> int:
        if table not in self.next_ids:
            current = self.session.scalar(sa.select(sa.func.max(self.tables[table].c.id)))
            self.next_ids[table] = (current or 0) + 1
        self.next_ids[table] += 1
        return self.next_ids[table] - 1

    def add(self, table: str, **row) -> int | None:
        """Queue a row; gives it the next id when the table has an ``id`` column."""
        if "id" in self.tables[table].c and "id" not in row:
            row["id"] = self.new_id(table)
        self.pending.setdefault(table, []).append(row)
        if len(self.pending[table]) >= CHUNK:
            self.flush()  # every table, parents first, so foreign keys hold
        return row.get("id")

    def flush(self, table: str | None = None) -> None:
        """Write queued rows (of one table, or of all in dependency order)."""
        names = [table] if table else [t.name for t in db.metadata.sorted_tables]
        for name in names:
            rows = self.pending.pop(name, [])
            if rows:
                self.session.execute(sa.insert(self.tables[name]), rows)
                self.counts[name] += len(rows)

    def finish(self) -> None:
        """Write what is left and move PostgreSQL's id sequences past the given ids."""
        self.flush()
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name in self.next_ids:
            self.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"))


@dataclass
class SiteInfo:
    id: int
    name: str
    project_start: date
    association_id: int
    units: list[tuple[int, int, str]] = field(default_factory=list)  # id, part id, number
    parts: dict[int, str] = field(default_factory=dict)
    #: resident id, unit id, move in, move out, [(valid_from, status, org, hours)]
    stays: list[tuple] = field(default_factory=list)
    coach_id: int = 0
    begeleiders: dict[int, int] = field(default_factory=dict)  # care org -> user id
    rooms: list[int] = field(default_factory=list)


@dataclass
class World:
    """What the generators share: the generator, dates, the organisations and accounts."""

    rng: random.Random
    seed: int
    today: date
    years: int
    site_count: int
    password_hash: str
    #: appended to the names of sites and organisations, and the e-mail domain's
    #: subdomain, so a second dataset can be added beside a first
    tag: str = ""
    corporation_id: int = 0
    care_orgs: list[int] = field(default_factory=list)
    welfare_id: int = 0
    users: dict[str, int] = field(default_factory=dict)  # e-mail local part -> id
    sites: list[SiteInfo] = field(default_factory=list)

    def user(self, local: str) -> int:
        return self.users[local]

    @property
    def domain(self) -> str:
        return f"{self.tag}.{EMAIL_DOMAIN}" if self.tag else EMAIL_DOMAIN

    def named(self, name: str) -> str:
        return f"{name} {self.tag}" if self.tag else name


@dataclass(frozen=True)
class ScaleResult:
    counts: dict[str, int]
    seconds: float
    accounts: list[tuple[str, str]]  # e-mail, what for


def _steps() -> list[tuple[str, Callable[[Writer, World], None]]]:
    from services.seed import scale_activity, scale_meetings, scale_registry
    steps = [("registry", scale_registry.generate), ("hours", scale_activity.hours),
             ("rooms", scale_activity.rooms), ("governance", scale_meetings.governance),
             ("imo", scale_meetings.imo)]
    try:
        from services.seed import scale_association
    except ImportError:  # the woonvereniging's books are not part of this version
        return steps
    return steps + [("association", scale_association.generate)]


def seed_scale(session: Session, *, sites: int, years: int, seed: int, today: date,
               password: str, tag: str = "",
               progress: Callable[[str], None] = lambda _m: None) -> ScaleResult:
    """Generate ``sites`` sites with ``years`` years of history up to ``today``; a
    ``tag`` keeps its names and e-mail addresses apart from an earlier dataset's."""
    if sites < 1 or years < 1:
        raise ValueError("sites and years must be at least 1")
    started = clock.perf_counter()
    world = World(random.Random(seed), seed, today, years, sites,
                  generate_password_hash(password), tag)
    writer = Writer(session)
    for name, step in _steps():
        step_start = clock.perf_counter()
        step(writer, world)
        writer.flush()
        progress(f"  {name:<12} {clock.perf_counter() - step_start:6.1f} s")
    writer.finish()
    accounts = [(f"{local}@{world.domain}", what) for local, what in (
        ("admin", "admin"), ("sb", "sociaal_beheerder on every site"),
        ("bestuur", "bestuur on every site"), ("coach01", "communitycoach on sites 1-5"))]
    return ScaleResult(dict(sorted(writer.counts.items())), clock.perf_counter() - started,
                       accounts)
