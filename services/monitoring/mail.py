"""Sending the outbox over SMTP (or to the log in development).

A message that cannot be sent is tried again later, each time after a longer wait
(:data:`RETRY_DELAYS`: 1, 5 and 15 minutes, 1, 3, 8 and 12 hours, so about a day in all);
after the last attempt it is "failed", shown to the administrators, who can send it again.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.headerregistry import Address
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import OutgoingMail
from services import audit

log = logging.getLogger("noaber.mail")
#: the wait after the first, second, ... failed attempt
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 480, 720))
#: the first attempt and one after each delay
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: a message still "sending" after this long was claimed by a process that died
SENDING_TIMEOUT = timedelta(minutes=10)
INTERRUPTED = "Onderbroken tijdens het verzenden (het proces stopte)."


@dataclass(frozen=True)
class MailSettings:
    backend: str = "log"          # "smtp" or "log"
    host: str = "127.0.0.1"
    port: int = 25
    use_tls: bool = False         # STARTTLS after connecting (port 587)
    username: str | None = None
    password: str | None = None
    sender: str = "noaber@localhost"
    use_ssl: bool = False         # TLS from the first byte (port 465)
    ca_file: str | None = None    # a CA bundle instead of the system's
    timeout: int = 20


def sender(settings: MailSettings, name: str | None) -> str | Address:
    """From: the configured address with ``name`` ("Noaber · <site>") as display name."""
    if not name:
        return settings.sender
    user, _at, domain = settings.sender.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def build_message(settings: MailSettings, to: str, subject: str, body: str,
                  now: datetime | None = None, sender_name: str | None = None,
                  reply_to: str | None = None) -> EmailMessage:
    """The message with From (``sender_name`` as its display name), To, Subject, Date, a
    Message-ID in the sender's domain and, when given, Reply-To."""
    message = EmailMessage()
    message["From"] = sender(settings, sender_name)
    message["To"], message["Subject"] = to, subject
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = formatdate(now.timestamp() if now else None, usegmt=True)
    domain = settings.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    return message


def tls_context(settings: MailSettings) -> ssl.SSLContext:
    """Certificate and host name checked, against ``ca_file`` or the system's CAs."""
    return ssl.create_default_context(cafile=settings.ca_file)


def calendar_method(ics: str) -> str:
    """The METHOD of a calendar attachment (REQUEST, CANCEL, PUBLISH)."""
    for line in ics.splitlines():
        if line.upper().startswith("METHOD:"):
            return line.partition(":")[2].strip().upper()
    return "PUBLISH"


def deliver(settings: MailSettings, to: str, subject: str, body: str,
            html: str | None = None, ics: str | None = None, *,
            sender_name: str | None = None, reply_to: str | None = None) -> None:
    """Hand one message to the SMTP server (or write it to the log); with ``html`` the
    message has an HTML alternative of the plain text, with ``ics`` a calendar
    attachment (``text/calendar`` with its METHOD, as calendar programs expect)."""
    message = build_message(settings, to, subject, body, sender_name=sender_name,
                            reply_to=reply_to)
    if html:
        message.add_alternative(html, subtype="html")
    if ics:
        method = calendar_method(ics)
        message.add_attachment(ics.encode(), maintype="text", subtype="calendar",
                               params={"method": method, "charset": "utf-8"},
                               filename="uitnodiging.ics" if method != "CANCEL"
                               else "afgelast.ics")
    if settings.backend == "log":
        log.info("mail to %s: %s (%s)\n%s", to, subject, message["Message-ID"], body)
        return
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=tls_context(settings))
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=tls_context(settings))
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def release_stale(session: Session, now: datetime) -> int:
    """Give back messages left at "sending" longer than ``SENDING_TIMEOUT`` (the process
    that claimed them died): pending again, or failed after ``MAX_ATTEMPTS``. Such a
    message may have left before the crash, so it can arrive twice; never zero times."""
    stale = sa.and_(OutgoingMail.status == "sending", sa.or_(
        OutgoingMail.sent_at.is_(None), OutgoingMail.sent_at < now - SENDING_TIMEOUT))
    result = session.execute(sa.update(OutgoingMail).where(stale).values(
        status=sa.case((OutgoingMail.attempts >= MAX_ATTEMPTS, "failed"), else_="pending"),
        sent_at=None, error=INTERRUPTED))
    return result.rowcount


def pending_ids(session: Session, now: datetime | None = None, limit: int = 200) -> list[int]:
    """The messages due for an attempt at ``now`` (all pending ones without ``now``)."""
    where = OutgoingMail.status == "pending"
    if now is not None:
        where = sa.and_(where, sa.or_(OutgoingMail.next_attempt_at.is_(None),
                                      OutgoingMail.next_attempt_at <= now))
    return list(session.scalars(sa.select(OutgoingMail.id).where(where)
                                .order_by(OutgoingMail.id).limit(limit)))


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after ``attempts`` failed attempts; None when that was the last one."""
    return RETRY_DELAYS[attempts - 1] if 0 < attempts <= len(RETRY_DELAYS) else None


def claim(session: Session, mail_id: int, now: datetime) -> bool:
    """Take one message for sending; False if another process took it first. While it is
    "sending", ``sent_at`` holds the moment it was claimed (see :func:`release_stale`)."""
    result = session.execute(sa.update(OutgoingMail).where(
        OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
        .values(status="sending", sent_at=now, attempts=OutgoingMail.attempts + 1))
    return result.rowcount == 1


def finish(session: Session, mail_id: int, now: datetime, error: str | None) -> None:
    """Mark a claimed message sent, or give it back for a later attempt (after
    :data:`RETRY_DELAYS`), failed after ``MAX_ATTEMPTS``."""
    mail = session.get(OutgoingMail, mail_id)
    if error is None:
        mail.status, mail.sent_at, mail.error = "sent", now, None
        mail.next_attempt_at = None
    else:
        delay = retry_delay(mail.attempts) if mail.attempts < MAX_ATTEMPTS else None
        mail.status = "pending" if delay is not None else "failed"
        mail.next_attempt_at = now + delay if delay is not None else None
        mail.sent_at, mail.error = None, error[:2000]
    session.flush()


def failed(session: Session, limit: int = 20) -> tuple[int, list[OutgoingMail]]:
    """How many messages were given up after ``MAX_ATTEMPTS``, and the latest of them."""
    where = OutgoingMail.status == "failed"
    total = session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail).where(where))
    return total, list(session.scalars(sa.select(OutgoingMail).where(where)
                                       .order_by(OutgoingMail.id.desc()).limit(limit)))


def retry(session: Session, mail_id: int | None, *, actor_id: int | None) -> int:
    """Send failed messages again: one (``mail_id``) or all of them. Each is pending with
    a fresh round of ``MAX_ATTEMPTS``; the audit log keeps who did it and how many
    attempts had failed (not the error, which may name the address). Returns how many."""
    where = OutgoingMail.status == "failed"
    if mail_id is not None:
        where = sa.and_(where, OutgoingMail.id == mail_id)
    mails = list(session.scalars(sa.select(OutgoingMail).where(where)
                                 .order_by(OutgoingMail.id).with_for_update()))
    for mail in mails:
        audit.record(session, actor_id=actor_id, entity_type="outgoing_mail",
                     entity_id=mail.id, action="retry",
                     changes={"status": ["failed", "pending"], "attempts": [mail.attempts, 0]})
        mail.status, mail.attempts, mail.error = "pending", 0, None
        mail.next_attempt_at = None
    session.flush()
    return len(mails)
