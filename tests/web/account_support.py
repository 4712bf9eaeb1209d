"""Helpers for the account tests: the outbox, the links in a mail, care data in a mail."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
import sqlalchemy as sa

from models import OutgoingMail, db

BASE_URL = "http://127.0.0.1:5000"  # config.Config.BASE_URL (the test app keeps it)
LINK = re.compile(r"https?://\S+")

#: words and names of the test world that are care data or point at it
CARE_WORDS = ("begeleid", "onbegeleid", "zorg", "Linde", "Anker", "indicat", "uur per week",
              "Lies Linde", "Arie Anker", "Vera Vrij", "Otto Open", "Elders Bewoner",
              "bewoner")


def mails(app, kind: str | None = None) -> list[dict]:
    """The outbox, oldest first (plain dicts, usable outside the app context)."""
    with app.app_context():
        stmt = sa.select(OutgoingMail).order_by(OutgoingMail.id)
        if kind:
            stmt = stmt.where(OutgoingMail.kind == kind)
        found = [{"to": m.to_address, "subject": m.subject, "body": m.body,
                  "html": m.html_body, "kind": m.kind, "recipient_id": m.recipient_id}
                 for m in db.session.scalars(stmt)]
        db.session.remove()
    return found


def link_path(mail: dict) -> str:
    """The path of the one link in a mail's plain text (links point at BASE_URL)."""
    links = LINK.findall(mail["body"])
    assert len(links) == 1, links
    assert links[0].startswith(BASE_URL + "/"), links[0]
    assert links[0] in mail["html"], "the HTML part carries the same link"
    return urlsplit(links[0]).path


def assert_no_care_data(mail: dict) -> None:
    for part in (mail["subject"], mail["body"], mail["html"] or ""):
        for word in CARE_WORDS:
            assert not re.search(rf"\b{re.escape(word)}", part, re.IGNORECASE), \
                f"{word!r} in a mail: {part[:300]}"


def code_now(secret: str, at=None) -> str:
    totp = pyotp.TOTP(secret)
    return totp.at(at) if at is not None else totp.now()
