"""How long a refused login takes for an unknown address, a deactivated account and a wrong
password, and how long a successful one takes: prints the times, asserts nothing (the
suite counts the hash verifications instead, tests/web/test_login_timing.py).

    .venv/bin/python bench/login_timing.py      # BENCH_REPEAT=30 attempts per case

In-process through Flask's test client on a fresh SQLite file, accounts hashed the
production way, limits out of the way.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from models import db  # noqa: E402
from services import accounts  # noqa: E402

PASSWORD = "een lang en goed wachtwoord"
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
CASES = [("unknown address", "niemand@bench.example", PASSWORD),
         ("deactivated account", "uit@bench.example", PASSWORD),
         ("wrong password", "actief@bench.example", "iets anders dan dat"),
         ("right password", "actief@bench.example", PASSWORD)]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                          "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000 per minute",
                          "LOGIN_ACCOUNT_RATE_LIMIT": "100000 per hour",
                          "BASE_URL": "http://127.0.0.1", "MAIL_LOG_ALLOWED": True})
        with app.app_context():
            upgrade()
            for email, active in (("actief@bench.example", True), ("uit@bench.example", False)):
                accounts.save_user(db.session, None, email=email, name=email,
                                   password=PASSWORD, is_admin=False, active=active,
                                   actor_id=None)
            db.session.commit()
        client = app.test_client()
        print(f"{'case':<22} {'p50 ms':>8} {'min ms':>8} {'max ms':>8}")
        for name, email, password in CASES:
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                client.post("/login", data={"email": email, "password": password})
                times.append((time.perf_counter() - start) * 1000)
                client.post("/logout")
            print(f"{name:<22} {statistics.median(times):8.1f} {min(times):8.1f} "
                  f"{max(times):8.1f}")


if __name__ == "__main__":
    main()
