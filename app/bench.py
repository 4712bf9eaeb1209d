"""Response headers for the benchmark (``make bench``): ``X-SQL-Count``, the statements
the request executed, ``X-Server-Time``, the milliseconds it took in the app, and
``X-Server-CPU``, the CPU milliseconds of the worker in that time (less disturbed by
other processes on the machine).

Only with the ``BENCH_HEADERS`` setting (environment ``NOABER_BENCH=1``): a production
server never tells its clients how it works inside.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask, g, has_request_context

from models import db


def register(app: Flask) -> None:
    """Count statements per request and time requests, when the setting is on."""
    if not app.config.get("BENCH_HEADERS"):
        return
    with app.app_context():
        engine = db.engine

    @sa.event.listens_for(engine, "before_cursor_execute")
    def count_statement(conn, cursor, statement, parameters, context, executemany):
        if has_request_context() and "bench_sql" in g:
            g.bench_sql += 1

    @app.before_request
    def start() -> None:
        g.bench_sql, g.bench_started = 0, time.perf_counter()
        g.bench_cpu = time.process_time()

    @app.after_request
    def headers(response):
        if "bench_started" in g:
            elapsed = (time.perf_counter() - g.bench_started) * 1000
            response.headers["X-SQL-Count"] = str(g.bench_sql)
            response.headers["X-Server-Time"] = f"{elapsed:.2f}"
            cpu = (time.process_time() - g.bench_cpu) * 1000
            response.headers["X-Server-CPU"] = f"{cpu:.2f}"
        return response
