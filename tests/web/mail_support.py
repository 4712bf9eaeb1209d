"""Reading the mail the outbox sends: a real SMTP server on 127.0.0.1 (aiosmtpd) that
keeps every message, the parts of a message, and the scan for care data."""
from __future__ import annotations

import email
import email.policy
import re
import socket

import icalendar
import pytest
from aiosmtpd.controller import Controller

from services.imo.meetings import FIXED_POINTS

BASE = "http://127.0.0.1:5000"
CARE = ("begeleid", "onbegeleid", "Zorggroep De Linde", "Stichting Het Anker", "indicatie", "geïndiceerd",
        "Lies Linde", "Arie Anker", "Vera Vrij", "Otto Open", "Dirk Dossier", "Pim Plaatsing",
        "Tom Toewijzing", "Sam Selectie", "Kees Later", "Opvang De Haven", "zwaar",
        "zachte landing", "7,25")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_PORT", "MAIL_SERVER")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    app.config.update(old)
    controller.stop()


def text_of(message) -> str:
    return next(p.get_content() for p in message.walk() if p.get_content_type() == "text/plain")


def html_of(message) -> str:
    return next(p.get_content() for p in message.walk() if p.get_content_type() == "text/html")


def calendar_of(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    part = parts[0]
    data = part.get_payload(decode=True)
    parsed = icalendar.Calendar.from_ical(data)
    assert part.get_param("method") == str(parsed["METHOD"])
    return parsed


def vevents(parsed):
    return [c for c in parsed.walk("VEVENT")]


def scan_for_care(inbox: Inbox) -> None:
    """Every part of every message, attachments included. The IMO's fixed agenda points
    name the topics "begeleid / onbegeleid" (no person's status): they are left out."""
    assert inbox.messages
    for message in inbox.messages:
        for part in message.walk():
            if part.is_multipart():
                continue
            content = part.get_payload(decode=True).decode("utf-8")
            content = re.sub(r"\s+", " ", content)
            for _topic, title in FIXED_POINTS:
                content = content.replace(title, "")
            for word in CARE:
                assert not re.search(rf"\b{re.escape(word)}\b", content, re.IGNORECASE), \
                    (word, message["Subject"])
        for word in CARE:
            assert word.lower() not in str(message["Subject"]).lower()


def to(inbox, address):
    return [m for m in inbox.messages if m["To"] == address]
