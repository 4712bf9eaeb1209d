"""Accounts with no role left are deactivated after a while (AVG art. 5(1)(e) and 32:
no access that nobody needs).

An account that is not an administrator, has held a role, and has had no current role
for ``ROLELESS_DAYS`` days (since the last end date of its roles, or the day its last
role was taken away) is deactivated by the daily privacy job: every session ends, the
audit log records it, and the owner gets a short mail through the outbox (the account
and whom to ask, nothing about residents or their support). An account that never held a
role (just made, its roles still to be given) is left alone.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import AuditEvent, Membership, OutgoingMail, User
from services import audit
from services.notify.letterhead import INSTALLATION, SECURITY, stamp

ROLELESS_DAYS = 30
MAIL_KIND = "account_deactivated"


def _last_role_day(session: Session, user: User) -> date | None:
    """The last day the account held a role, or None when it never held one."""
    ends = [m.ends_on for m in user.memberships]
    revoked = session.scalar(sa.select(sa.func.max(AuditEvent.occurred_at)).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == user.id,
        AuditEvent.action == "revoke_role"))
    days = [d for d in ends if d is not None]
    if revoked is not None:
        days.append(revoked.date())
    return max(days) if days else None


def due_for_deactivation(session: Session, today: date) -> list[User]:
    users = session.scalars(sa.select(User).where(
        User.active.is_(True), User.is_admin.is_(False)).order_by(User.id)).all()
    due = []
    for user in users:
        if any(m.current(today) for m in user.memberships):
            continue
        last = _last_role_day(session, user)
        if last is not None and today > last + timedelta(days=ROLELESS_DAYS):
            due.append(user)
    return due


def _mail(user: User) -> OutgoingMail:
    body = "\n".join([
        f"Beste {user.name},", "",
        f"Uw Noaber-account ({user.email}) had al {ROLELESS_DAYS} dagen geen rol meer op een "
        "locatie en is daarom uitgeschakeld. U kunt er niet meer mee inloggen.", "",
        "Hebt u weer toegang nodig? Vraag de sociaal beheerder van uw locatie of de "
        "beheerder om u opnieuw een rol te geven.", "", "Noaber"])
    return stamp(OutgoingMail(recipient_id=user.id, kind=MAIL_KIND,
                              period=secrets.token_hex(8), to_address=user.email,
                              subject="Uw Noaber-account is uitgeschakeld", body=body),
                 INSTALLATION, SECURITY, "")


def deactivate_roleless(session: Session, today: date, now: datetime) -> int:
    """The privacy job's part for accounts: deactivate, log, tell. Idempotent (a
    deactivated account is never due again)."""
    due = due_for_deactivation(session, today)
    for user in due:
        user.active = False
        user.end_sessions()
        audit.record(session, actor_id=None, entity_type="user", entity_id=user.id,
                     action="update", changes={"active": [True, False],
                                               "reason": "no_role_for_30_days"})
        session.add(_mail(user))
    session.flush()
    return len(due)
