"""`make bench`: the key pages, the monitoring sweep and a 52-week booking against the
scale dataset (``flask seed scale``), on SQLite and, when ``BENCH_DATABASE_URL`` or
``TEST_DATABASE_URL`` is set, on PostgreSQL.

For each database and each dataset size (the full one and one ten times smaller) it
migrates a fresh database, seeds it, runs every scheduled job in-process (so the signals
page has signals), times a weekly booking of 52 dates with all its conflict checks
in-process, then starts the app under gunicorn on 127.0.0.1 (one sync worker, with
``NOABER_BENCH=1`` so every response carries ``X-SQL-Count`` and ``X-Server-Time``),
logs in and requests each page a bounded number of times. It prints a table and writes
``bench/results/<db>.json``.

The PostgreSQL database is ``<name>_bench`` beside the one in the URL (created, and
dropped and created again for every dataset); the database in the URL itself is never
touched.

``bench/run.py notify`` times only the notifications (a 52-date series' mail, a meeting's
40 invitations, each queued in one transaction) on one seeded site per database, and
writes ``bench/results/notify-<db>.json``; ``make bench`` times them as well.

Environment: BENCH_SITES / BENCH_YEARS (full size, default 100 / 5), BENCH_SEED (1),
BENCH_REPEAT (30 timed requests per page after BENCH_WARMUP=3), BENCH_DATABASES
(``sqlite,postgresql``), BENCH_JOBS (``monitor,digest``; ``all`` for every job).

For working on one page: BENCH_PAGES (comma-separated parts of page names, e.g.
``IMO,start``) measures only the pages whose name contains one of them (and the floor),
without the jobs, the booking, the notifications and the import, and writes no results;
BENCH_SIZES (``small,full``) picks the dataset sizes; BENCH_WORKDIR keeps the SQLite
files in that directory instead of a temporary one, and BENCH_REUSE=1 then measures an
already seeded database (the SQLite file there, the PostgreSQL ``<name>_bench``) instead
of migrating and seeding a fresh one.
"""
from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

SITES = int(os.environ.get("BENCH_SITES", "100"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
BOOKING_REPEAT = 5
PASSWORD = "bench-password-1"
PAGE_FILTER = [part.strip().lower() for part in os.environ.get("BENCH_PAGES", "").split(",")
               if part.strip()]
REUSE = os.environ.get("BENCH_REUSE") == "1"
BENCH_SECRET_KEY = secrets.token_urlsafe(48)

TARGET_PAGE_MS = 50
TARGET_FLOOR_RATIO = 5
TARGET_SWEEP_S = 10
TARGET_BOOKING_MS = 150
TARGET_RSS_MB = 200
#: a meeting's 40 invitations, or a 52-date series' mail, queued in one transaction
TARGET_NOTIFY_MS = 200


def say(message: str) -> None:
    print(message, flush=True)


# --- databases -----------------------------------------------------------------------

def postgres_base() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


def bench_url(url: str) -> tuple[str, str]:
    """The URL of the bench database beside ``url`` and its name (never ``url``'s own
    database, unless that already is a ``..._bench`` one)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") or "noaber"
    if not name.endswith("_bench"):
        name = f"{name}_bench"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def fresh_postgres(url: str) -> str:
    """Drop and create the bench database; returns its URL."""
    import sqlalchemy as sa

    from config import normalise_database_url

    target, name = bench_url(url)
    if not re.fullmatch(r"[A-Za-z0-9_]+_bench", name):
        raise SystemExit(f"refusing to recreate database {name!r}")
    admin = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))
    engine = sa.create_engine(normalise_database_url(admin), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return normalise_database_url(target)


def fresh_sqlite(workdir: Path, label: str) -> str:
    path = workdir / f"bench-{label}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def database_version(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        if url.startswith("sqlite"):
            version = "SQLite " + conn.execute(sa.text("select sqlite_version()")).scalar()
        else:
            version = conn.execute(sa.text("show server_version")).scalar()
            version = f"PostgreSQL {version.split()[0]}"
    engine.dispose()
    return version


# --- the app ---------------------------------------------------------------------------

def env_for(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, DEMO_PASSWORD=PASSWORD, NOABER_BENCH="1",
               LOGIN_RATE_LIMIT="1000 per minute", MAIL_BACKEND="log", MAIL_LOG_ALLOWED="1",
               BASE_URL="http://127.0.0.1", SECRET_KEY=BENCH_SECRET_KEY,
               # the scale accounts have no second factor: the pages, not its set-up
               TOTP_REQUIRED_ROLES="")
    env.pop("TEST_DATABASE_URL", None)
    return env


def flask(url: str, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                          env=env_for(url), capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def seed(url: str, sites: int) -> dict:
    say(f"  migrating and seeding {sites} sites x {YEARS} years ...")
    flask(url, "db", "upgrade")
    out = flask(url, "seed", "scale", "--sites", str(sites), "--years", str(YEARS),
                "--seed", str(SEED))
    counts = {m.group(1): int(m.group(2).replace(",", ""))
              for m in re.finditer(r"^  (\w+)\s+([\d,]+)$", out, re.M)}
    seconds = float(re.search(r"rows in ([\d.]+) s", out).group(1))
    say(f"  seeded {sum(counts.values()):,} rows in {seconds:.1f} s")
    return {"seconds": seconds, "counts": counts}


def make_app(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "BENCH_HEADERS": False,
                       "SECRET_KEY": BENCH_SECRET_KEY, "BASE_URL": "http://127.0.0.1",
                       "MAIL_LOG_ALLOWED": True})


@dataclass
class Targets:
    site_id: int
    meeting_id: int
    room_id: int
    token: str
    quarter: str
    year: int
    user_id: int
    #: the e-mail of a begeleider of the site (the scale seed gives each site two)
    begeleider: str


def targets(app) -> Targets:
    import sqlalchemy as sa

    from app.clock import today
    from models import ImoMeeting, Membership, Room, Site, User, db
    from models.enums import Role
    from services.hours.periods import PeriodKind, period_of
    from services.seed.scale import EMAIL_DOMAIN, feed_token

    with app.app_context():
        site_id = db.session.scalar(sa.select(Site.id).order_by(Site.id).limit(1))
        meeting_id = db.session.scalar(sa.select(ImoMeeting.id).where(
            ImoMeeting.site_id == site_id).order_by(ImoMeeting.month.desc()).limit(1))
        room_id = db.session.scalar(sa.select(Room.id).where(Room.site_id == site_id)
                                    .order_by(Room.id).limit(1))
        user_id = db.session.scalar(sa.select(User.id).where(
            User.email == f"sb@{EMAIL_DOMAIN}"))
        begeleider = db.session.scalar(
            sa.select(User.email).join(Membership, Membership.user_id == User.id)
            .where(Membership.site_id == site_id, Membership.role == Role.BEGELEIDER)
            .order_by(User.email).limit(1))
        on = today()
    quarter = period_of(PeriodKind.QUARTER, on).previous().code
    return Targets(site_id, meeting_id, room_id, feed_token(SEED, room_id), quarter,
                   on.year - 1, user_id, begeleider)


def run_jobs(app) -> dict:
    """The scheduled jobs of ``BENCH_JOBS`` once, in-process, as the scheduler runs them
    (default the monitoring sweep and the digest; ``all`` adds the nightly privacy job,
    which takes minutes on the full dataset)."""
    from app.jobs import run_job
    from services.monitoring.jobs import JOBS

    wanted = os.environ.get("BENCH_JOBS", "monitor,digest")
    found = {}
    for name in (JOBS if wanted == "all" else [j for j in wanted.split(",") if j in JOBS]):
        started = time.perf_counter()
        result = run_job(app, name)
        seconds = time.perf_counter() - started
        outcome = result.outcome if result else "done before"
        found[name] = {"seconds": round(seconds, 3), "outcome": outcome,
                       "counts": result.counts if result else {}}
        say(f"  job {name:<8} {seconds:7.2f} s  {outcome}")
    return found


def book_52(app, t: Targets) -> dict:
    """A weekly booking of 52 Sundays 19:00-21:00 (kept free by the seed) with all its
    checks, rolled back after each run."""
    from datetime import time as clock_time

    from app.clock import today
    from models import Room, db, utcnow
    from services.rooms import bookings
    from services.rooms.recurrence import Rule

    times = []
    with app.app_context():
        on = today()
        first = on + timedelta(days=(6 - on.weekday()) % 7 or 7)
        data = bookings.BookingData("Benchmark", first, clock_time(19), clock_time(21),
                                    Rule("weekly", count=52))
        for attempt in range(BOOKING_REPEAT + 1):
            room = db.session.get(Room, t.room_id)
            started = time.perf_counter()
            series = bookings.book(db.session, room, data, booked_by_id=t.user_id, today=on,
                                   now=utcnow())
            elapsed = (time.perf_counter() - started) * 1000
            booked = len(series.occurrences)
            db.session.rollback()
            if attempt:  # the first run warms up
                times.append(elapsed)
    say(f"  booking of {booked} dates: median {statistics.median(times):.1f} ms")
    return {"occurrences": booked, "median_ms": round(statistics.median(times), 2),
            "max_ms": round(max(times), 2), "runs": len(times)}


def notify_bench(app, t: Targets) -> dict:
    """Queueing the notification mails in the action's one transaction: the mail (with
    52 calendar events) of a weekly booking of 52 dates, and the invitations (with their
    .ics) of a meeting of 40 invitees; each rolled back after its run."""
    from datetime import time as clock_time

    import sqlalchemy as sa

    from app.clock import today
    from models import Body, BodyMember, Room, User, db, utcnow
    from services.governance import meetings
    from services.governance.localtime import local_instant
    from services.notify import events
    from services.rooms import bookings
    from services.rooms.recurrence import Rule

    ctx = events.Context(base_url="http://127.0.0.1", now=utcnow(), sender="noaber@bench")
    series_ms, meeting_ms, series_cpu, meeting_cpu, told = [], [], [], [], 0
    with app.app_context():
        on = today()
        first = on + timedelta(days=(6 - on.weekday()) % 7 or 7)
        data = bookings.BookingData("Benchmark", first, clock_time(19), clock_time(21),
                                    Rule("weekly", count=52))
        for attempt in range(BOOKING_REPEAT + 1):
            series = bookings.book(db.session, db.session.get(Room, t.room_id), data,
                                   booked_by_id=t.user_id, today=on, now=utcnow())
            started, cpu = time.perf_counter(), time.process_time()
            events.booking_made(db.session, series, ctx)
            db.session.flush()
            elapsed = (time.perf_counter() - started) * 1000
            used = (time.process_time() - cpu) * 1000
            db.session.rollback()
            if attempt:
                series_ms.append(elapsed)
                series_cpu.append(used)
        for attempt in range(BOOKING_REPEAT + 1):
            body = db.session.scalar(sa.select(Body).order_by(Body.id))
            for n in range(40):
                person = User(email=f"bench-invitee-{n}@bench.invalid", name=f"Lid {n}",
                              password_hash="!", active=True)
                db.session.add(person)
                db.session.flush()
                db.session.add(BodyMember(body_id=body.id, user_id=person.id,
                                          role_in_body="lid", starts_on=on))
            db.session.flush()
            db.session.expire(body, ["members"])
            meeting = meetings.create_meeting(
                db.session, body, starts_at=local_instant(on + timedelta(days=14),
                                                          clock_time(19, 30)),
                duration_minutes=120, place="Bench", today=on, actor_id=None)
            started, cpu = time.perf_counter(), time.process_time()
            told = events.meeting_planned(db.session, meeting, ctx)
            db.session.flush()
            elapsed = (time.perf_counter() - started) * 1000
            used = (time.process_time() - cpu) * 1000
            db.session.rollback()
            if attempt:
                meeting_ms.append(elapsed)
                meeting_cpu.append(used)
    say(f"  notifications: 52-date series {statistics.median(series_ms):.1f} ms "
        f"(CPU {statistics.median(series_cpu):.1f}), meeting of {told} invitees "
        f"{statistics.median(meeting_ms):.1f} ms (CPU {statistics.median(meeting_cpu):.1f})")
    return {"series_52_median_ms": round(statistics.median(series_ms), 2),
            "series_52_cpu_ms": round(statistics.median(series_cpu), 2),
            "meeting_invitees": told,
            "meeting_median_ms": round(statistics.median(meeting_ms), 2),
            "meeting_cpu_ms": round(statistics.median(meeting_cpu), 2)}


# --- gunicorn --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.log = open(log, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "app:create_app()"],
            cwd=ROOT, env=env_for(url), stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/login", timeout=60).read()
                return
            except OSError:  # not listening yet, or still booting the worker
                time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {log}")

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        return int(pids[0])

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str):
        started = time.perf_counter()
        with self.opener.open(self.base + path, timeout=60) as response:
            body = response.read()
            if response.geturl() != self.base + path:  # measure the page, not where it sends
                raise SystemExit(f"{path} was redirected to {response.geturl()}")
            return (response.status, body, dict(response.headers),
                    (time.perf_counter() - started) * 1000)

    def login(self, email: str) -> None:
        _status, body, _headers, _ms = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
        data = urllib.parse.urlencode({"csrf_token": token, "email": email,
                                       "password": PASSWORD}).encode()
        with self.opener.open(self.base + "/login", data=data, timeout=60) as response:
            if "/login" in response.geturl():
                raise SystemExit(f"login as {email} failed")


def measure(client: Client, path: str) -> dict:
    server, sql, wall, cpu = [], [], [], []
    for n in range(WARMUP + REPEAT):
        status, _body, headers, ms = client.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        if n >= WARMUP:
            server.append(float(headers["X-Server-Time"]))
            cpu.append(float(headers["X-Server-CPU"]))
            sql.append(int(headers["X-SQL-Count"]))
            wall.append(ms)
    server.sort()
    return {"path": path, "p50_ms": round(statistics.median(server), 2),
            "p95_ms": round(server[max(0, round(0.95 * len(server)) - 1)], 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "sql": max(sql), "sql_min": min(sql),
            "client_p50_ms": round(statistics.median(wall), 2)}


def pages(t: Targets, with_statement: bool) -> dict[str, tuple[str, str | None]]:
    """page -> (path, account that opens it; None: not logged in)."""
    s = f"/locaties/{t.site_id}"
    found = {
        "login (floor)": ("/login", None),
        "site dashboard": (s, "sb"),
        # the published figures (disclosure rules) that every role but the sociaal
        # beheerder reads
        "site dashboard (bestuur)": (s, "bestuur"),
        "resident list": (f"{s}/bewoners/", "sb"),
        "IMO meeting": (f"{s}/imo/vergaderingen/{t.meeting_id}", "sb"),
        "IMO meeting (bestuur)": (f"{s}/imo/vergaderingen/{t.meeting_id}", "bestuur"),
        "hours report (quarter)": (f"{s}/uren/rapport?soort=kwartaal&periode={t.quarter}",
                                   "sb"),
        "room week view": (f"{s}/ruimte/{t.room_id}", "sb"),
        "iCal feed (room)": (f"/agenda/{t.token}.ics", None),
        "signals": (f"{s}/signalen", "sb"),
    }
    if with_statement:
        found["ALV statement"] = (f"{s}/vereniging/jaarverslag/{t.year}", "bestuur")
    # "Mijn werk", the start page of each role on the site
    for role, account in (("sociaal beheerder", "sb"), ("coach", "coach01"),
                          ("begeleider", t.begeleider), ("bestuur", "bestuur"),
                          ("kerngroep", "kerngroep")):
        found[f"start page ({role})"] = (f"{s}/mijn-werk", account)
    if PAGE_FILTER:
        found = {name: page for name, page in found.items() if name == "login (floor)"
                 or any(part in name.lower() for part in PAGE_FILTER)}
    return found


def bench_pages(url: str, t: Targets, log: Path, with_statement: bool) -> dict:
    from services.seed.scale import EMAIL_DOMAIN

    server = Server(url, log)
    try:
        clients = {None: Client(server.base)}
        wanted = pages(t, with_statement)
        for account in {account for _path, account in wanted.values() if account}:
            clients[account] = Client(server.base)
            clients[account].login(account if "@" in account else f"{account}@{EMAIL_DOMAIN}")
        results = {}
        for name, (path, account) in wanted.items():
            results[name] = measure(clients[account], path)
            r = results[name]
            say(f"  {name:<26} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
                f"cpu p50 {r['cpu_p50_ms']:7.1f} ms  sql {r['sql']:>3}")
        rss = server.peak_rss_mb()
    finally:
        server.stop()
    say(f"  worker peak RSS {rss:.0f} MB")
    return {"pages": results, "worker_peak_rss_mb": round(rss, 1)}


# --- one database ----------------------------------------------------------------------

def seeded(kind: str, sites: int, workdir: Path, base_pg: str | None) -> tuple[str, dict]:
    """The URL of a seeded database and its seed figures: a fresh one, or with
    BENCH_REUSE=1 the one seeded before with the same size (its figures kept beside it)."""
    label = f"{sites}x{YEARS}"
    figures = workdir / f"seed-{kind}-{label}.json"
    if REUSE and figures.exists():
        if kind == "sqlite":
            url = f"sqlite:///{workdir / f'bench-{label}.db'}"
        else:
            from config import normalise_database_url
            url = normalise_database_url(bench_url(base_pg)[0])
        say(f"  reusing the database seeded with {sites} sites x {YEARS} years")
        return url, json.loads(figures.read_text())
    if kind == "sqlite":
        url = fresh_sqlite(workdir, label)
    else:  # one database for every size: what it held before is gone
        for old in workdir.glob("seed-postgresql-*.json"):
            old.unlink()
        url = fresh_postgres(base_pg)
    found = seed(url, sites)
    figures.write_text(json.dumps(found) + "\n")
    return url, found


def dataset(kind: str, sites: int, workdir: Path, base_pg: str | None) -> dict:
    label = f"{sites}x{YEARS}"
    url, seed_figures = seeded(kind, sites, workdir, base_pg)
    result = {"sites": sites, "years": YEARS, "seed": seed_figures}
    app = make_app(url)
    with_statement = "association.statement_page" in app.view_functions and \
        result["seed"]["counts"].get("assoc_cash_entries", 0) > 0
    t = targets(app)
    if PAGE_FILTER:  # only the pages asked for
        result.update(bench_pages(url, t, workdir / f"gunicorn-{kind}-{label}.log",
                                  with_statement))
        return result
    result["jobs"] = run_jobs(app)
    monitor = result["jobs"]["monitor"]["seconds"]
    result["sweep"] = {"seconds": monitor, "per_site_ms": round(monitor / sites * 1000, 2)}
    result["booking_52"] = book_52(app, t)
    result["notify"] = notify_bench(app, t)
    result.update(bench_pages(url, t, workdir / f"gunicorn-{kind}-{label}.log",
                              with_statement))
    result["database"] = database_version(url)
    return result


def evaluate(full: dict, small: dict) -> dict:
    """Each target with its figure and whether it is met."""
    floor = full["pages"]["login (floor)"]["p95_ms"]
    found = {}
    for name, page in full["pages"].items():
        if name == "login (floor)":
            continue
        ratio = page["p95_ms"] / floor if floor else float("inf")
        grows = page["sql"] - small["pages"][name]["sql"]
        found[name] = {"p95_ms": page["p95_ms"], "ratio": round(ratio, 2),
                       "sql_full": page["sql"], "sql_small": small["pages"][name]["sql"],
                       "met": page["p95_ms"] < TARGET_PAGE_MS and ratio <= TARGET_FLOOR_RATIO
                       and grows <= 0}
    per_site_full = full["sweep"]["per_site_ms"]
    per_site_small = small["sweep"]["per_site_ms"]
    found["sweep"] = {"seconds": full["sweep"]["seconds"],
                      "per_site_ms": [per_site_small, per_site_full],
                      "met": full["sweep"]["seconds"] < TARGET_SWEEP_S
                      and per_site_full <= 1.5 * per_site_small}
    found["booking_52"] = {"median_ms": full["booking_52"]["median_ms"],
                           "met": full["booking_52"]["median_ms"] < TARGET_BOOKING_MS}
    found["notify"] = notify_target(full["notify"])
    found["worker_rss"] = {"mb": full["worker_peak_rss_mb"],
                           "met": full["worker_peak_rss_mb"] < TARGET_RSS_MB}
    return found


def notify_target(figures: dict) -> dict:
    return {"series_52_median_ms": figures["series_52_median_ms"],
            "meeting_median_ms": figures["meeting_median_ms"],
            "met": max(figures["series_52_median_ms"],
                       figures["meeting_median_ms"]) < TARGET_NOTIFY_MS}


def notify_dataset(kind: str, workdir: Path, base_pg: str | None) -> dict:
    """Only the notifications (``bench/run.py notify``), on one seeded site."""
    url = fresh_sqlite(workdir, "notify") if kind == "sqlite" else fresh_postgres(base_pg)
    result = {"sites": 1, "years": YEARS, "seed": seed(url, 1)}
    app = make_app(url)
    result["notify"] = notify_bench(app, targets(app))
    result["database"] = database_version(url)
    result["target"] = notify_target(result["notify"])
    return result


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    load = Path("/proc/loadavg").read_text().split()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(int(memory) / 2**20, 1),
            "python": platform.python_version(), "date": date.today().isoformat(),
            "load_average_at_start": float(load)}


def table(kind: str, result: dict) -> None:
    small, full = result["small"], result["full"]
    say(f"\n== {kind}: {result['full']['database']}; {small['sites']} and {full['sites']} "
        f"sites x {YEARS} years ==")
    say(f"{'page':<26} {'p50 small':>9} {'p95 small':>9} {'sql':>4} | {'p50 full':>9} "
        f"{'p95 full':>9} {'sql':>4} {'x floor':>7}  target")
    floor = full["pages"]["login (floor)"]["p95_ms"]
    for name, page in full["pages"].items():
        s = small["pages"][name]
        verdict = "" if name == "login (floor)" else \
            ("met" if result["targets"][name]["met"] else "MISSED")
        say(f"{name:<26} {s['p50_ms']:9.1f} {s['p95_ms']:9.1f} {s['sql']:4d} | "
            f"{page['p50_ms']:9.1f} {page['p95_ms']:9.1f} {page['sql']:4d} "
            f"{page['p95_ms'] / floor:7.1f}  {verdict}")
    t = result["targets"]
    say(f"monitoring sweep: {small['sweep']['seconds']:.2f} s ({small['sites']} sites), "
        f"{full['sweep']['seconds']:.2f} s ({full['sites']} sites); per site "
        f"{t['sweep']['per_site_ms'][0]:.0f} / {t['sweep']['per_site_ms'][1]:.0f} ms  "
        f"{'met' if t['sweep']['met'] else 'MISSED'}")
    say(f"52-week booking: median {full['booking_52']['median_ms']:.1f} ms "
        f"(small {small['booking_52']['median_ms']:.1f} ms)  "
        f"{'met' if t['booking_52']['met'] else 'MISSED'}")
    say(f"notifications: 52-date series {t['notify']['series_52_median_ms']:.1f} ms, "
        f"meeting of {full['notify']['meeting_invitees']} invitees "
        f"{t['notify']['meeting_median_ms']:.1f} ms  "
        f"{'met' if t['notify']['met'] else 'MISSED'}")
    say(f"worker peak RSS: {full['worker_peak_rss_mb']:.0f} MB "
        f"(small {small['worker_peak_rss_mb']:.0f} MB)  "
        f"{'met' if t['worker_rss']['met'] else 'MISSED'}")
    say(f"seed: {small['seed']['seconds']:.0f} s / {full['seed']['seconds']:.0f} s for "
        f"{sum(small['seed']['counts'].values()):,} / {sum(full['seed']['counts'].values()):,}"
        f" rows")


def import_dataset(kind: str, workdir: Path, base_pg: str | None) -> dict:
    """bench/import_bench.py on a fresh, migrated database of its own."""
    from bench.import_bench import bench_import

    url = fresh_sqlite(workdir, "import") if kind == "sqlite" else fresh_postgres(base_pg)
    flask(url, "db", "upgrade")
    return bench_import(make_app(url), say)


def main() -> None:
    started = time.perf_counter()
    if sys.argv[1:] == ["notify"]:  # only the notifications, one site per database
        base_pg = postgres_base()
        wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
        with tempfile.TemporaryDirectory(prefix="noaber-bench-") as tmp:
            for kind in [k for k in ("sqlite", "postgresql") if k in wanted
                         and (k == "sqlite" or base_pg)]:
                say(f"[{kind}] notifications")
                found = {"machine": machine(), **notify_dataset(kind, Path(tmp), base_pg)}
                say(f"  target {TARGET_NOTIFY_MS} ms: "
                    f"{'met' if found['target']['met'] else 'MISSED'}")
                (RESULTS / f"notify-{kind}.json").write_text(json.dumps(found, indent=2) + "\n")
        return
    if sys.argv[1:] == ["import"]:  # only the import bench
        base_pg = postgres_base()
        wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
        with tempfile.TemporaryDirectory(prefix="noaber-bench-") as tmp:
            for kind in [k for k in ("sqlite", "postgresql") if k in wanted
                         and (k == "sqlite" or base_pg)]:
                say(f"[{kind}] import")
                found = import_dataset(kind, Path(tmp), base_pg)
                (RESULTS / f"import-{kind}.json").write_text(json.dumps(found, indent=2) + "\n")
        return
    base_pg = postgres_base()
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    kinds = [k for k in ("sqlite", "postgresql") if k in wanted
             and (k == "sqlite" or base_pg)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    sizes = {"small": max(1, SITES // 10), "full": SITES}
    chosen = os.environ.get("BENCH_SIZES", "small,full").split(",")
    sizes = {size: sites for size, sites in sizes.items() if size in chosen}
    partial = bool(PAGE_FILTER) or len(sizes) < 2
    keep = os.environ.get("BENCH_WORKDIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(keep) if keep
          else tempfile.TemporaryDirectory(prefix="noaber-bench-")) as tmp:
        for kind in kinds:
            result = {"machine": machine(), "database": kind}
            for size, sites in sizes.items():
                say(f"[{kind}] {size}: {sites} sites x {YEARS} years")
                result[size] = dataset(kind, sites, Path(tmp), base_pg)
            if partial:  # a look at some pages or one size: no targets, no results file
                continue
            result["targets"] = evaluate(result["full"], result["small"])
            result["import"] = import_dataset(kind, Path(tmp), base_pg)
            result["targets"]["import"] = {"seconds": result["import"]["seconds"],
                                           "met": result["import"]["met"]}
            (RESULTS / f"{kind}.json").write_text(json.dumps(result, indent=2) + "\n")
            table(kind, result)
    say(f"\nbench done in {(time.perf_counter() - started) / 60:.1f} min; "
        f"results in {RESULTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
