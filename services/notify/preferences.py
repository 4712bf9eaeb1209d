"""Per person and kind of notification: at once, in the weekly digest, or off.

Without a choice of their own a person gets the default of their roles: the kind at once
when any of their roles has it at once, else in the digest. Mails about the account
itself (an invitation, a password reset, a changed address) are security mails and always
go out; they are no kind here.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Membership, NotificationPreference, User, utcnow
from models.enums import Role
from models.notify import CHOICES
from services.errors import N_, RuleViolation

ROOMS, MEETINGS, MINUTES, ACTIONS = "rooms", "meetings", "minutes", "actions"
SIGNALS = "signals"
#: kind -> the label on the profile page (translated there)
KINDS = {
    ROOMS: N_("Mijn boekingen van de ontmoetingsruimte (geboekt, verplaatst, geannuleerd)"),
    MEETINGS: N_("Uitnodigingen voor vergaderingen (gepland, verplaatst, afgelast)"),
    MINUTES: N_("Verslagen die klaar zijn om vast te stellen"),
    ACTIONS: N_("Mijn actiepunten (toegewezen, bijna verlopen, verlopen)"),
    SIGNALS: N_("Urgente signalen waar u iets mee kunt (de andere signalen staan altijd in "
                "het weekoverzicht)"),
}
#: the roles that get a kind at once by default; everybody else gets it in the digest
AT_ONCE = {
    ROOMS: None,      # None: every role
    MEETINGS: None,
    ACTIONS: None,
    # only who may act on a signal is told of it at all (services.notify.signals)
    SIGNALS: None,
    MINUTES: frozenset({Role.BESTUUR, Role.KERNGROEP, Role.STUURGROEP,
                        Role.TOELATINGSCOMMISSIE}),
}


def roles_of(session: Session, user: User) -> set[str]:
    return set(session.scalars(sa.select(Membership.role).where(
        Membership.user_id == user.id)))


def default_for(session: Session, user: User, kind: str) -> str:
    roles = AT_ONCE.get(kind)
    if roles is None or user.is_admin or roles & roles_of(session, user):
        return "now"
    return "digest"


def chosen(session: Session, user_id: int) -> dict[str, str]:
    return dict(session.execute(sa.select(NotificationPreference.kind,
                                          NotificationPreference.delivery)
                                .where(NotificationPreference.user_id == user_id)).all())


def chosen_by(session: Session, user_ids: list[int], kind: str) -> dict[int, str]:
    """The choice for ``kind`` of each of ``user_ids`` that made one (one query)."""
    if not user_ids:
        return {}
    return dict(session.execute(sa.select(NotificationPreference.user_id,
                                          NotificationPreference.delivery)
                                .where(NotificationPreference.kind == kind,
                                       NotificationPreference.user_id.in_(user_ids))).all())


def preferences_of(session: Session, user: User) -> dict[str, str]:
    """Every kind with the user's current delivery (their choice or the default)."""
    own = chosen(session, user.id)
    return {kind: own.get(kind) or default_for(session, user, kind) for kind in KINDS}


def save(session: Session, user: User, choices: dict[str, str]) -> None:
    """Store the user's choice per kind; every kind must be given a valid choice, or
    nothing is saved."""
    for kind in KINDS:
        if choices.get(kind) not in CHOICES:
            raise RuleViolation(N_("Kies per soort bericht: direct, in het weekoverzicht of "
                                   "uit."), field=kind)
    rows = {p.kind: p for p in session.scalars(sa.select(NotificationPreference).where(
        NotificationPreference.user_id == user.id))}
    for kind in KINDS:
        row = rows.get(kind)
        if row is None:
            session.add(NotificationPreference(user_id=user.id, kind=kind,
                                               delivery=choices[kind], updated_at=utcnow()))
        elif row.delivery != choices[kind]:
            row.delivery, row.updated_at = choices[kind], utcnow()
    session.flush()
