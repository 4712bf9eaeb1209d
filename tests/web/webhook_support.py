"""A real HTTP receiver on 127.0.0.1 for the webhook tests, and making endpoints."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from models import User
from services import service_accounts
from services.webhooks import endpoints, signing


class Receiver:
    """Records every POST (headers, raw body) and answers with the next queued status,
    or (status, headers) (200 once the queue is empty)."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                receiver.received.append({"path": self.path, "headers": dict(self.headers),
                                          "body": body, "at": int(time.time())})
                answer = receiver.answers.pop(0) if receiver.answers else 200
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST  # noqa: N815 - a followed redirect would arrive as a GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def on(self, path: str) -> list[dict]:
        return [r for r in self.received if r["path"] == path]

    def payloads(self, path: str) -> list[dict]:
        return [json.loads(r["body"]) for r in self.on(path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def make_endpoint(app, session, *, org_id: int, site_id: int, url: str,
                  events: list[str]) -> tuple[int, str]:
    """An endpoint made by the admin; returns its id and its secret."""
    admin = session.scalar(sa.select(User).where(User.is_admin.is_(True)))
    made = endpoints.create_endpoint(
        session, service_accounts.manager_of(session, admin), organisation_id=org_id,
        name=f"Hook {org_id}", url=url, events=events, site_ids=[site_id],
        actor_id=admin.id, secret_key=app.config["SECRET_KEY"], allow_local=True)
    session.commit()
    return made.endpoint.id, made.secret


def verified(request: dict, secret: str) -> bool:
    """The receiver's check of docs/webhooks.md: signature over "<timestamp>.<body>" and
    a timestamp within five minutes of the receiver's clock."""
    headers = request["headers"]
    return signing.verify(secret, headers.get("Noaber-Timestamp"),
                          headers.get("Noaber-Signature"), request["body"], request["at"])
