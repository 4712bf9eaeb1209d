"""Sending the outbox over SMTP (or to the log in development)."""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import OutgoingMail
from services import audit

log = logging.getLogger("noaber.mail")
MAX_ATTEMPTS = 5
#: a message still "sending" after this long was claimed by a process that died
SENDING_TIMEOUT = timedelta(minutes=10)
INTERRUPTED = "Onderbroken tijdens het verzenden (het proces stopte)."


@dataclass(frozen=True)
class MailSettings:
    backend: str = "log"          # "smtp" or "log"
    host: str = "127.0.0.1"
    port: int = 25
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "noaber@localhost"


def deliver(settings: MailSettings, to: str, subject: str, body: str,
            html: str | None = None) -> None:
    """Hand one message to the SMTP server (or write it to the log); with ``html`` the
    message has an HTML alternative of the plain text."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.sender, to, subject
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    if settings.backend == "log":
        log.info("mail to %s: %s\n%s", to, subject, body)
        return
    with smtplib.SMTP(settings.host, settings.port, timeout=20) as smtp:
        if settings.use_tls:
            smtp.starttls()
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


def pending_ids(session: Session, limit: int = 200) -> list[int]:
    return list(session.scalars(sa.select(OutgoingMail.id).where(
        OutgoingMail.status == "pending").order_by(OutgoingMail.id).limit(limit)))


def claim(session: Session, mail_id: int, now: datetime) -> bool:
    """Take one message for sending; False if another process took it first. While it is
    "sending", ``sent_at`` holds the moment it was claimed (see :func:`release_stale`)."""
    result = session.execute(sa.update(OutgoingMail).where(
        OutgoingMail.id == mail_id, OutgoingMail.status == "pending")
        .values(status="sending", sent_at=now, attempts=OutgoingMail.attempts + 1))
    return result.rowcount == 1


def finish(session: Session, mail_id: int, now: datetime, error: str | None) -> None:
    """Mark a claimed message sent, or give it back (failed after MAX_ATTEMPTS)."""
    mail = session.get(OutgoingMail, mail_id)
    if error is None:
        mail.status, mail.sent_at, mail.error = "sent", now, None
    else:
        mail.status = "failed" if mail.attempts >= MAX_ATTEMPTS else "pending"
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
    session.flush()
    return len(mails)
