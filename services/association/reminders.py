"""The overdue list and friendly reminders, sent only after the treasurer's review.

Reminders are written as concepts (:func:`draft`); the treasurer reads each one and then
approves (:func:`approve`) or discards it. An approved e-mail goes into the outbox
(``OutgoingMail``, kind ``dues_reminder``) and is sent by the outbox sender; a household
without an e-mail address gets a letter, printed from the concepts page. The outbox
belongs to accounts: members have none, so a reminder's ``recipient_id`` is the account
that approved it, its ``to_address`` the household's, and its ``period`` ("HR" and the
reminder's id) keeps the outbox key unique. Reminder texts are stored in Dutch, like
letters.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy.orm import Session

from models import (AssociationMember, DuesReminder, Organisation, OutgoingMail,
                    ReminderChannel, ReminderStatus, Site, User)
from services import audit
from services.association import board, books, members as member_service, payments
from services.association.balances import Balance
from services.association.money import euro
from services.errors import N_, RuleViolation
from services.notify.letterhead import REMINDER, Origin, origin_of, stamp

MAIL_KIND = "dues_reminder"


@dataclass(frozen=True)
class OverdueRow:
    member: AssociationMember
    balance: Balance
    overdue: Decimal         # open after the due dates
    since: date
    last_sent: DuesReminder | None
    concept: DuesReminder | None


def _latest(session: Session, association_id: int) -> dict[tuple[int, str], DuesReminder]:
    rows = session.scalars(sa.select(DuesReminder).join(AssociationMember).where(
        AssociationMember.association_id == association_id).order_by(DuesReminder.id))
    return {(r.member_id, r.status): r for r in rows}


def overdue(session: Session, association_id: int, today: date) -> list[OverdueRow]:
    """Members (also former ones) with dues open after their due date, longest first."""
    found = payments.balances(session, association_id)
    latest = _latest(session, association_id)
    rows = [OverdueRow(m, found[m.id], found[m.id].overdue(today),
                       found[m.id].overdue_since(today),
                       latest.get((m.id, ReminderStatus.VERSTUURD)),
                       latest.get((m.id, ReminderStatus.CONCEPT)))
            for m in member_service.all_members(session, association_id)
            if found[m.id].overdue(today) > 0]
    return sorted(rows, key=lambda r: (r.since, r.member.number))


def overdue_count(session: Session, association_id: int, today: date) -> int:
    """How many members (also former ones) ``overdue`` lists, from the balances alone."""
    return sum(1 for balance in payments.balances(session, association_id).values()
               if balance.overdue(today) > 0)


def reminder_text(*, name: str, association: str, number: int, amount, since: date,
                  iban: str | None, signed_by: str) -> tuple[str, str]:
    """Subject and body of a friendly reminder (Dutch, pure)."""
    how = (f"Wilt u dit bedrag overmaken naar {iban} ten name van {association}, onder "
           f"vermelding van \"lidnummer {number}\"?" if iban else
           f"Wilt u dit bedrag betalen aan de penningmeester, onder vermelding van "
           f"\"lidnummer {number}\"?")
    body = "\n".join([
        f"Beste {name},", "",
        f"Misschien is het u ontschoten: volgens onze administratie staat er nog "
        f"{euro(amount)} aan contributie open, sinds {format_date(since, 'd MMMM yyyy', locale='nl')}.",
        "", how + " Hebt u het al betaald, dan kunt u deze herinnering vergeten.", "",
        "Lukt betalen nu niet, of hebt u een vraag? Laat het ons gerust weten. Dan zoeken "
        "we samen naar een oplossing, bijvoorbeeld in termijnen of met korting.", "",
        "Met vriendelijke groet,", "", signed_by])
    return f"Herinnering contributie {association}", body


def draft(session: Session, association_id: int, member_ids: list[int], *, today: date,
          actor_id: int | None) -> list[DuesReminder]:
    """Write a concept reminder for each chosen member who is overdue and has none yet."""
    rows = {r.member.id: r for r in overdue(session, association_id, today)}
    chosen = [rows[m] for m in dict.fromkeys(member_ids) if m in rows and rows[m].concept is None]
    if not chosen:
        raise RuleViolation(N_("Kies minstens één lid met een achterstand en nog geen "
                               "herinnering klaarstaan."))
    name = session.get(Organisation, association_id).name
    treasurer = board.holder_name(session, association_id, "penningmeester", today)
    signed_by = f"{treasurer}\npenningmeester {name}" if treasurer else f"Het bestuur van {name}"
    iban = books.settings_for(session, association_id).iban
    made = []
    for row in chosen:
        resident = row.member.resident
        subject, body = reminder_text(name=resident.name, association=name,
                                      number=row.member.number, amount=row.overdue,
                                      since=row.since, iban=iban, signed_by=signed_by)
        reminder = DuesReminder(
            member_id=row.member.id, written_on=today, amount_overdue=row.overdue,
            channel=ReminderChannel.EMAIL if resident.email else ReminderChannel.BRIEF,
            to_address=resident.email, subject=subject, body=body, created_by_id=actor_id)
        session.add(reminder)
        made.append(reminder)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_reminders",
                 entity_id=association_id, action="draft",
                 changes={"reminders": [r.id for r in made]})
    return made


def concepts(session: Session, association_id: int) -> list[DuesReminder]:
    return list(session.scalars(sa.select(DuesReminder).join(AssociationMember).where(
        AssociationMember.association_id == association_id,
        DuesReminder.status == ReminderStatus.CONCEPT).order_by(AssociationMember.number)))


def recent(session: Session, association_id: int, limit: int = 20) -> list[DuesReminder]:
    return list(session.scalars(sa.select(DuesReminder).join(AssociationMember).where(
        AssociationMember.association_id == association_id,
        DuesReminder.status != ReminderStatus.CONCEPT)
        .order_by(DuesReminder.decided_at.desc(), DuesReminder.id.desc()).limit(limit)))


def _chosen(session: Session, association_id: int, ids: list[int]) -> list[DuesReminder]:
    wanted = set(ids)
    found = [r for r in concepts(session, association_id) if r.id in wanted]
    if not found:
        raise RuleViolation(N_("Vink minstens één herinnering aan."))
    return found


def _decide(session: Session, association_id: int, found: list[DuesReminder], status: str, *,
            now: datetime, actor_id: int | None) -> list[DuesReminder]:
    for reminder in found:
        reminder.status = status
        reminder.decided_at, reminder.decided_by_id = now, actor_id
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="assoc_reminders",
                 entity_id=association_id, action=status,
                 changes={"reminders": [r.id for r in found]})
    return found


def _origin(session: Session, association_id: int, actor_id: int | None) -> Origin:
    """A reminder comes from the association on its site; an answer goes to the treasurer
    who approved it."""
    site = session.scalar(sa.select(Site).where(Site.association_id == association_id)
                          .order_by(Site.id).limit(1))
    association = session.get(Organisation, association_id)
    treasurer = session.get(User, actor_id) if actor_id is not None else None
    return origin_of(session, site, organisation=association.name if association else None,
                     reply_to=treasurer.email if treasurer is not None else None)


def approve(session: Session, association_id: int, ids: list[int], *, now: datetime,
            actor_id: int) -> list[DuesReminder]:
    """The treasurer reviewed these concepts: e-mails go to the outbox, letters count as
    printed."""
    found = _chosen(session, association_id, ids)
    origin = _origin(session, association_id, actor_id)
    for reminder in found:
        if reminder.channel == ReminderChannel.EMAIL:
            mail = OutgoingMail(recipient_id=actor_id, kind=MAIL_KIND, period=f"HR{reminder.id}",
                                to_address=reminder.to_address, subject=reminder.subject,
                                body=reminder.body)
            session.add(stamp(mail, origin, REMINDER, ""))
            session.flush()
            reminder.mail_id = mail.id
    return _decide(session, association_id, found, ReminderStatus.VERSTUURD, now=now,
                   actor_id=actor_id)


def discard(session: Session, association_id: int, ids: list[int], *, now: datetime,
            actor_id: int | None) -> list[DuesReminder]:
    """The treasurer does not send these concepts."""
    return _decide(session, association_id, _chosen(session, association_id, ids),
                   ReminderStatus.VERVALLEN, now=now, actor_id=actor_id)
