"""Notifications by e-mail: a booking made, moved or cancelled, a room request received or
decided, a meeting planned, moved or called off, minutes ready for approval, an action
item assigned, nearly due or overdue.

Each event is told to each person once: :func:`notify` writes a
:class:`models.Notification` whose ``dedupe_key`` names the event and the person (for a
change, the iCalendar SEQUENCE it reached), and does nothing when that key is already
there, so a rerun of a job or a retried request sends nothing twice. Whether a mail goes
out at once, waits for the weekly digest or is not sent depends on the person's
preference for that kind (services.notify.preferences); somebody without an e-mail
address gets nothing. The mail itself goes into the outbox in the caller's transaction,
with an .ics attachment where there is one, and is sent by the scheduler.

Mails are in Dutch, plain text with an HTML alternative, links on ``BASE_URL``. They
never carry care data: no resident's support status, care organisation or hours, and an
IMO invitation names the agenda's points, never a candidate.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from models import Notification, OutgoingMail, User
from services.notify.letterhead import INSTALLATION, PREFERENCES, REQUESTER, Origin, stamp
from services.notify.preferences import SIGNALS, chosen_by, default_for


@dataclass(frozen=True)
class Message:
    """What one notification says: the subject, paragraphs, an optional list (dates,
    agenda points), a link (a path under ``BASE_URL``) and a calendar attachment."""

    subject: str
    paragraphs: list[str]
    items: list[str] = field(default_factory=list)
    link: str | None = None
    link_label: str = "Bekijk in Noaber"
    after: list[str] = field(default_factory=list)
    ics: bytes | None = None
    #: the one line of the weekly digest (the subject when empty)
    summary: str = ""
    #: the site and organisation it comes from (sender name, Reply-To, footer)
    origin: Origin = INSTALLATION


def compose(greeting: str, message: Message, base_url: str) -> tuple[str, str]:
    """The plain text and the HTML of a mail, signed "Noaber"."""
    url = base_url.rstrip("/") + message.link if message.link else None
    lines = [greeting, ""]
    html = [f"<p>{escape(greeting)}</p>"]
    for p in message.paragraphs:
        lines += [p, ""]
        html.append(f"<p>{escape(p)}</p>")
    if message.items:
        lines += [f"- {item}" for item in message.items] + [""]
        html.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in message.items)
                    + "</ul>")
    if url:
        lines += [f"{message.link_label}:", url, ""]
        html.append(f'<p><a href="{escape(url)}">{escape(message.link_label)}</a></p>')
    for p in message.after:
        lines += [p, ""]
        html.append(f"<p>{escape(p)}</p>")
    lines.append("Noaber")
    html.append("<p>Noaber</p>")
    page = Markup('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head>'
                  '<body>{}</body></html>').format(Markup("".join(html)))
    return "\n".join(lines), str(page)


def already(session: Session, key: str) -> bool:
    """Whether the event was told under ``key``: in the database, or earlier in this
    transaction (still pending: the rows of one event are flushed together)."""
    if any(isinstance(o, Notification) and o.dedupe_key == key for o in session.new):
        return True
    return session.scalar(sa.select(Notification.id).where(
        Notification.dedupe_key == key)) is not None


def _queue(session: Session, *, recipient_id: int | None, kind: str, to: str, name: str,
           message: Message, base_url: str) -> OutgoingMail:
    body, html = compose(f"Beste {name}," if name else "Beste,", message, base_url)
    # the period only makes the outbox key unique per mail
    mail = OutgoingMail(recipient_id=recipient_id, kind=kind,
                        period=f"n{secrets.token_hex(8)}", to_address=to,
                        subject=message.subject[:200], body=body, html_body=html,
                        ics=message.ics.decode() if message.ics else None)
    stamp(mail, message.origin, PREFERENCES if recipient_id is not None else REQUESTER,
          base_url)
    session.add(mail)
    return mail


def _record(session: Session, *, user_id: int | None, kind: str, key: str, delivery: str,
            message: Message, mail: OutgoingMail | None) -> Notification:
    notification = Notification(user_id=user_id, kind=kind, dedupe_key=key,
                                delivery=delivery,
                                summary=(message.summary or message.subject)[:300],
                                link=message.link, mail=mail)
    session.add(notification)
    return notification


def notify(session: Session, user: User, kind: str, key: str, message: Message, *,
           base_url: str) -> Notification | None:
    """Tell ``user`` about one event of ``kind``, once per ``key``; None when it was told
    already. The delivery follows the user's preference."""
    told = notify_all(session, [user], kind, key, message, base_url=base_url)
    return told[0] if told else None


def notify_all(session: Session, users: list[User], kind: str, key: str, message: Message,
               *, base_url: str, calendars: dict[str, bytes] | None = None
               ) -> list[Notification]:
    """:func:`notify` for each of ``users`` about the same event, with one query for who
    was told already and one for their preferences (a meeting of 40 is two queries);
    ``calendars`` gives each address its own attachment. Returns the new notifications.
    The rows are flushed with the caller's next query or commit."""
    keys = {user.id: f"{key}:u{user.id}"[:200] for user in users}
    with session.no_autoflush:
        done = {o.dedupe_key for o in session.new if isinstance(o, Notification)}
        done |= set(session.scalars(sa.select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(list(keys.values())))))
        choices = chosen_by(session, list(keys), kind)
    found = []
    for user in users:
        if keys[user.id] in done or not user.active:
            continue
        done.add(keys[user.id])
        if not (user.email or "").strip():
            delivery = "no_address"
        else:
            delivery = choices.get(user.id) or default_for(session, user, kind)
        mail = None
        if delivery == "now":
            own = message if calendars is None else \
                replace(message, ics=calendars.get(user.email))
            mail = _queue(session, recipient_id=user.id, kind=kind, to=user.email,
                          name=user.name, message=own, base_url=base_url)
        found.append(_record(session, user_id=user.id, kind=kind, key=keys[user.id],
                             delivery=delivery, message=message, mail=mail))
    return found


def notify_address(session: Session, to: str, name: str, kind: str, key: str,
                   message: Message, *, base_url: str) -> Notification | None:
    """Tell somebody without an account (an external party) about one event, once per
    ``key``; always at once, there being no preference to follow."""
    key = key[:200]
    with session.no_autoflush:
        if already(session, key) or not (to or "").strip():
            return None
    mail = _queue(session, recipient_id=None, kind=kind, to=to, name=name,
                  message=message, base_url=base_url)
    return _record(session, user_id=None, kind=kind, key=key, delivery="now",
                   message=message, mail=mail)


def waiting_for_digest(session: Session, user_id: int) -> list[Notification]:
    """The user's notifications that wait for their next weekly digest. An urgent signal
    is no line there: the digest lists it with the open signals while it is open."""
    return list(session.scalars(sa.select(Notification).where(
        Notification.user_id == user_id, Notification.delivery == "digest",
        Notification.kind != SIGNALS,
        Notification.digest_period.is_(None)).order_by(Notification.id)))
