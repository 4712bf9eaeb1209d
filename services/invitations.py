"""Invitations: an admin, or a site's sociaal beheerder for roles on that site, invites a
person by e-mail with the roles they will hold; the person chooses their own password
through a signed link (:mod:`services.tokens`) that works once and expires.

The link carries the invitation's id and its current ``nonce``. Sending it again draws a
new nonce and a new expiry, so only the latest link works; an accepted or withdrawn
invitation opens no account.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (AccountInvitation, InvitationRole, Membership, Organisation, OrgKind,
                    Role, Site, User)
from services import accounts, audit, tokens
from services.errors import N_, RuleViolation
from services.governance.localtime import local_day
from services.passwords import check_new_password
from services.tokens import TokenError


def managed_site_ids(session: Session, user: User,
                     today: date | None = None) -> set[int] | None:
    """The sites on which ``user`` may invite people and manage roles: None for an admin
    (every site), else the sites where they are sociaal beheerder today and, for a
    corporation's administrator, the sites of that corporation."""
    if user.is_admin:
        return None
    today = today or accounts.local_today()
    sites = set(session.scalars(sa.select(Membership.site_id).where(
        Membership.user_id == user.id, Membership.role == Role.SOCIAAL_BEHEERDER,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today))))
    if user.admin_of_corporation_id is not None:
        sites |= set(session.scalars(sa.select(Site.id).where(
            Site.corporation_id == user.admin_of_corporation_id)))
    return sites


def may_invite(session: Session, user: User, today: date | None = None) -> bool:
    sites = managed_site_ids(session, user, today)
    return sites is None or bool(sites)


def may_change_role(session: Session, actor: User, membership: Membership,
                    today: date | None = None) -> bool:
    """Whether ``actor`` may end ``membership`` or change its end date: an admin always;
    a sociaal beheerder or the corporation's administrator when the role is on one of
    their sites and is not their own (nobody extends or widens their own access)."""
    sites = managed_site_ids(session, actor, today)
    if sites is None:
        return True
    return membership.site_id in sites and membership.user_id != actor.id


def may_manage(session: Session, user: User, invitation: AccountInvitation) -> bool:
    """Whether ``user`` may see, resend or withdraw ``invitation``: an admin always; a
    sociaal beheerder when every role in it is on one of their sites and it gives no
    admin rights."""
    sites = managed_site_ids(session, user)
    if sites is None:
        return True
    return bool(sites) and not invitation.is_admin and bool(invitation.roles) and all(
        r.site_id in sites for r in invitation.roles)


def visible_invitations(session: Session, user: User) -> list[AccountInvitation]:
    """The invitations ``user`` may manage, newest first."""
    found = session.scalars(sa.select(AccountInvitation)
                            .order_by(AccountInvitation.id.desc())).all()
    return [i for i in found if may_manage(session, user, i)]


@dataclass(frozen=True)
class InvitationData:
    email: str
    name: str
    site_id: int | None
    roles: list[str]
    organisation_id: int | None
    is_admin: bool = False
    #: the last day the roles will count (None: no end date)
    ends_on: date | None = None


def _check_roles(session: Session, actor: User, data: InvitationData,
                 today: date | None = None) -> None:
    sites = managed_site_ids(session, actor, today)
    if data.is_admin and sites is not None:
        raise RuleViolation(N_("Alleen een beheerder kan beheerrechten geven."),
                            field="is_admin")
    if not data.roles and not data.is_admin:
        raise RuleViolation(N_("Kies minstens één rol."), field="roles")
    if not data.roles:
        return
    if data.site_id is None or session.get(Site, data.site_id) is None:
        raise RuleViolation(N_("Kies een locatie."), field="site_id")
    if sites is not None and data.site_id not in sites:
        raise RuleViolation(N_("U kunt alleen uitnodigen voor een locatie waar u sociaal "
                               "beheerder bent."), field="site_id")
    if any(role not in set(Role) for role in data.roles):
        raise RuleViolation(N_("Kies een rol."), field="roles")
    org = session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if data.organisation_id and org is None:
        raise RuleViolation(N_("Kies een bestaande organisatie."), field="organisation_id")
    if Role.BEGELEIDER in data.roles and (org is None or org.kind != OrgKind.ZORGAANBIEDER):
        raise RuleViolation(N_("Een begeleider hoort bij een zorgaanbieder."),
                            field="organisation_id")


def _pending_for(session: Session, email: str, now: datetime) -> AccountInvitation | None:
    return session.scalar(sa.select(AccountInvitation).where(
        AccountInvitation.email == email, AccountInvitation.accepted_at.is_(None),
        AccountInvitation.withdrawn_at.is_(None), AccountInvitation.expires_at > now))


def invite(session: Session, actor: User, data: InvitationData, *, now: datetime,
           valid_for: timedelta) -> AccountInvitation:
    """Record an invitation (the caller sends its mail with :func:`link_token`)."""
    email = accounts.normalise_email(data.email)
    name = (data.name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    _check_roles(session, actor, data)
    if accounts.find_user_by_email(session, email) is not None:
        raise RuleViolation(N_("Er is al een account met dit e-mailadres; geef die persoon "
                               "de rol bij Beheer, Gebruikers."), field="email")
    if _pending_for(session, email, now) is not None:
        raise RuleViolation(N_("Er staat al een uitnodiging open voor dit e-mailadres; "
                               "stuur die zo nodig opnieuw."), field="email")
    invitation = AccountInvitation(
        email=email, name=name, is_admin=data.is_admin, invited_by_id=actor.id,
        created_at=now, nonce=secrets.token_urlsafe(16), sent_at=now,
        expires_at=now + valid_for, times_sent=1)
    for role in dict.fromkeys(data.roles):
        invitation.roles.append(InvitationRole(
            site_id=data.site_id, role=role, ends_on=data.ends_on,
            organisation_id=data.organisation_id if role == Role.BEGELEIDER else None))
    session.add(invitation)
    session.flush()
    audit.record(session, actor_id=actor.id, entity_type="invitation",
                 entity_id=invitation.id, action="create", site_id=data.site_id,
                 changes={"email": email, "is_admin": data.is_admin,
                          "roles": [r.role for r in invitation.roles],
                          **({"ends_on": data.ends_on} if data.ends_on else {})})
    return invitation


def give_roles(session: Session, actor: User, data: InvitationData, *, now: datetime,
               today: date, valid_for: timedelta) -> AccountInvitation | None:
    """Give roles on one site to whoever has the e-mail address, for someone who manages
    the site's roles but not the installation's accounts (a sociaal beheerder, a
    corporation's administrator): an existing account gets the roles at once, an
    unknown address an invitation (returned, for the caller to send).

    Both ways end in the same answer, so the form tells nothing about which addresses
    have an account elsewhere: the only way to learn it is to give that address a role
    on one's own site, which the audit log records and the access review then shows.
    The same rules apply either way (a name is always required; no admin rights; only
    one's own sites; never oneself)."""
    email = accounts.normalise_email(data.email)
    if not (data.name or "").strip():
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if data.is_admin:
        raise RuleViolation(N_("Alleen een beheerder kan beheerrechten geven."),
                            field="is_admin")
    _check_roles(session, actor, data, today)
    accounts.check_end(data.ends_on, today)
    user = accounts.find_user_by_email(session, email)
    if user is None:
        return invite(session, actor, data, now=now, valid_for=valid_for)
    if user.id == actor.id:
        raise RuleViolation(N_("U kunt uzelf geen rol geven; vraag dat een beheerder."),
                            field="email")
    for role in dict.fromkeys(data.roles):
        accounts.grant_role(session, user, site_id=data.site_id, role=role,
                            organisation_id=data.organisation_id
                            if role == Role.BEGELEIDER else None,
                            actor_id=actor.id, ends_on=data.ends_on, today=today, now=now)
    return None


def link_token(secret: str, invitation: AccountInvitation) -> str:
    return tokens.issue(secret, tokens.INVITATION, {"i": invitation.id, "n": invitation.nonce},
                        invitation.sent_at)


def resend(session: Session, invitation: AccountInvitation, *, actor_id: int,
           now: datetime, valid_for: timedelta) -> AccountInvitation:
    """A new link with a new expiry (an earlier link stops working)."""
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise RuleViolation(N_("Deze uitnodiging is al gebruikt of ingetrokken."))
    if accounts.find_user_by_email(session, invitation.email) is not None:
        raise RuleViolation(N_("Er is inmiddels een account met dit e-mailadres."))
    invitation.nonce = secrets.token_urlsafe(16)
    invitation.sent_at, invitation.expires_at = now, now + valid_for
    invitation.times_sent += 1
    audit.record(session, actor_id=actor_id, entity_type="invitation",
                 entity_id=invitation.id, action="resend")
    session.flush()
    return invitation


def withdraw(session: Session, invitation: AccountInvitation, *, actor_id: int,
             now: datetime) -> None:
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise RuleViolation(N_("Deze uitnodiging is al gebruikt of ingetrokken."))
    invitation.withdrawn_at, invitation.withdrawn_by_id = now, actor_id
    audit.record(session, actor_id=actor_id, entity_type="invitation",
                 entity_id=invitation.id, action="withdraw")
    session.flush()


def invitation_for(session: Session, secret: str, token: str, *,
                   now: datetime) -> AccountInvitation:
    """The pending invitation a link stands for, or :class:`TokenError` with reason
    "invalid", "expired", "used", "superseded" or "withdrawn" (all but the first with
    ``payload`` holding the invitation, so the page can say whom to ask). An invitation
    counts as withdrawn too when its inviter has since lost the rights it passes on."""
    try:
        payload = tokens.read(secret, tokens.INVITATION, token, max_age=timedelta(days=3650),
                              now=now)
    except TokenError:
        raise TokenError("invalid") from None
    invitation = session.get(AccountInvitation, payload.get("i")) \
        if isinstance(payload.get("i"), int) else None
    if invitation is None or not isinstance(payload.get("n"), str) \
            or not secrets.compare_digest(payload["n"], invitation.nonce):
        if invitation is not None and invitation.accepted_at is None \
                and invitation.withdrawn_at is None:
            # an earlier link of an invitation that was sent again
            raise TokenError("superseded", {"invitation": invitation})
        raise TokenError("invalid")
    state = invitation.state(now)
    if state != "pending":
        raise TokenError({"accepted": "used"}.get(state, state), {"invitation": invitation})
    inviter = invitation.invited_by
    if not inviter.active or not may_manage(session, inviter, invitation):
        # the inviter no longer holds the rights the invitation passes on
        raise TokenError("withdrawn", {"invitation": invitation})
    return invitation


def accept(session: Session, invitation: AccountInvitation, *, name: str, password: str,
           now: datetime) -> User:
    """Make the account with the chosen password and the invitation's roles."""
    locked = session.scalar(sa.select(AccountInvitation).where(
        AccountInvitation.id == invitation.id).with_for_update())
    if locked is None or locked.state(now) != "pending":
        raise RuleViolation(N_("Deze uitnodiging is al gebruikt, ingetrokken of verlopen."))
    check_new_password(password or "", email=invitation.email)
    today = local_day(now)
    if any(r.ends_on is not None and r.ends_on < today for r in invitation.roles):
        raise RuleViolation(N_("Een rol in deze uitnodiging is inmiddels afgelopen; vraag "
                               "om een nieuwe uitnodiging."))
    user = accounts.save_user(session, None, email=invitation.email, name=name,
                              password=password, is_admin=invitation.is_admin, active=True,
                              actor_id=invitation.invited_by_id)
    for role in invitation.roles:
        accounts.grant_role(session, user, site_id=role.site_id, role=role.role,
                            organisation_id=role.organisation_id, ends_on=role.ends_on,
                            actor_id=invitation.invited_by_id, today=today, now=now)
    invitation.accepted_at, invitation.user_id = now, user.id
    audit.record(session, actor_id=user.id, entity_type="invitation",
                 entity_id=invitation.id, action="accept")
    session.flush()
    return user
