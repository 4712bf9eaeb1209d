"""User accounts and their role memberships per site."""
from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session, object_session

from models import Membership, Organisation, OrgKind, Role, Site, User
from models import user as user_model
from services import audit
from services.access import SiteAccess
from services.governance.localtime import local_day
from services.errors import N_, RuleViolation
from services.passwords import check_new_password


def normalise_email(email: str) -> str:
    """A syntactically valid, lower-cased e-mail address, or :class:`RuleViolation`."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False) \
            .normalized.lower()
    except EmailNotValidError:
        raise RuleViolation(N_("Vul een geldig e-mailadres in."), field="email") from None


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))


_dummy_hashes: dict[Callable[[str], str], str] = {}


def _dummy_hash() -> str:
    """A hash of a random password made the way :meth:`User.set_password` makes them (one
    per hashing function, made on first use)."""
    make = user_model.generate_password_hash
    if make not in _dummy_hashes:
        _dummy_hashes[make] = make(secrets.token_urlsafe(16))
    return _dummy_hashes[make]


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active account with this e-mail address and password, or None.

    Exactly one password hash is verified whether the address is unknown, its account
    deactivated or the password wrong (without an account: a dummy hash of the same
    method and work factor), so the time the answer takes does not tell which addresses
    have an account."""
    user = find_user_by_email(session, email)
    usable = user is not None and user.active
    stored = user.password_hash if usable else _dummy_hash()
    matches = user_model.check_password_hash(stored, password or "")
    return user if usable and matches else None


def save_user(session: Session, user: User | None, *, email: str, name: str,
              password: str | None, is_admin: bool, active: bool,
              actor_id: int | None, enforce_policy: bool = True,
              admin_of_corporation_id: int | None | bool = False) -> User:
    """Create an account (a password is required) or change one (password optional).
    A new password must pass :func:`services.passwords.check_new_password`, unless
    ``enforce_policy`` is false (the demo accounts' documented password)."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    clash = find_user_by_email(session, email)
    if clash is not None and (user is None or clash.id != user.id):
        raise RuleViolation(N_("Er is al een account met dit e-mailadres."), field="email")
    if (user is None or password) and enforce_policy:
        check_new_password(password or "", email=email)
    values = {"email": email, "name": name, "is_admin": is_admin, "active": active}
    if admin_of_corporation_id is not False:  # False: leave as it is
        if admin_of_corporation_id is not None:
            corporation = session.get(Organisation, admin_of_corporation_id)
            if corporation is None or corporation.kind != OrgKind.WONINGCORPORATIE:
                raise RuleViolation(N_("Kies een woningcorporatie."),
                                    field="admin_of_corporation_id")
        values["admin_of_corporation_id"] = admin_of_corporation_id
    if user is None:
        user = User(**values)
        user.set_password(password or "")
        session.add(user)
        session.flush()
        audit.record(session, actor_id=actor_id, entity_type="user", entity_id=user.id,
                     action="create", changes=values)
    else:
        if actor_id == user.id and (not is_admin or not active) and user.is_admin:
            raise RuleViolation(N_("U kunt uw eigen beheerrechten niet intrekken."),
                                field="is_admin")
        changes = audit.changes_between(user, values)
        if user.active and not active:
            user.end_sessions()  # a deactivated account is logged out everywhere at once
        for key, value in values.items():
            setattr(user, key, value)
        if password:
            user.set_password(password)
            changes["password"] = ["***", "***"]
        if changes:
            audit.record(session, actor_id=actor_id, entity_type="user", entity_id=user.id,
                         action="update", changes=changes)
    session.flush()
    return user


def grant_role(session: Session, user: User, *, site_id: int, role: str,
               organisation_id: int | None, actor_id: int | None,
               ends_on: date | None = None, today: date | None = None,
               now: datetime | None = None) -> Membership:
    """Give ``user`` a role on a site; a begeleider names their zorgaanbieder. With
    ``ends_on`` the role counts up to and including that day (a contract's end);
    ``now`` (the app's clock) is when it began."""
    check_end(ends_on, today or local_today())
    if role not in set(Role):
        raise RuleViolation(N_("Kies een rol."), field="role")
    if session.get(Site, site_id) is None:
        raise RuleViolation(N_("Kies een locatie."), field="site_id")
    if role == Role.BEGELEIDER:
        org = session.get(Organisation, organisation_id) if organisation_id else None
        if org is None or org.kind != OrgKind.ZORGAANBIEDER:
            raise RuleViolation(N_("Een begeleider hoort bij een zorgaanbieder."),
                                field="organisation_id")
    elif organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise RuleViolation(N_("Kies een bestaande organisatie."), field="organisation_id")
    if session.scalar(sa.select(Membership.id).where(
            Membership.user_id == user.id, Membership.site_id == site_id,
            Membership.role == role)):
        raise RuleViolation(N_("Deze gebruiker heeft deze rol op deze locatie al."),
                            field="role")
    membership = Membership(user_id=user.id, site_id=site_id, role=role,
                            organisation_id=organisation_id, ends_on=ends_on,
                            **({"created_at": now} if now else {}))
    session.add(membership)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="user", entity_id=user.id,
                 action="grant_role", site_id=site_id,
                 changes={"role": role, "organisation_id": organisation_id,
                          **({"ends_on": ends_on} if ends_on else {})})
    return membership


def check_end(ends_on: date | None, today: date, began: date | None = None) -> None:
    """An end date is not before the role began, and not in the past (today, the role's
    last day, is allowed)."""
    if ends_on is None:
        return
    if began is not None and ends_on < began:
        raise RuleViolation(N_("De einddatum ligt vóór het begin van de rol (%(date)s)."),
                            field="ends_on", date=began.strftime("%d-%m-%Y"))
    if ends_on < today:
        raise RuleViolation(N_("De einddatum ligt in het verleden."), field="ends_on")


def change_role_end(session: Session, membership: Membership, ends_on: date | None, *,
                    actor_id: int | None, today: date | None = None) -> Membership:
    """Set, move or clear (None) the last day a role counts. The old end date stays in
    the audit log (``change_role_end``: ``ends_on`` as ``[old, new]``)."""
    began = local_day(membership.created_at) if membership.created_at else None
    check_end(ends_on, today or local_today(), began)
    if ends_on == membership.ends_on:
        return membership
    audit.record(session, actor_id=actor_id, entity_type="user", entity_id=membership.user_id,
                 action="change_role_end", site_id=membership.site_id,
                 changes={"role": membership.role, "ends_on": [membership.ends_on, ends_on]})
    membership.ends_on = ends_on
    session.flush()
    return membership


def revoke_role(session: Session, membership: Membership, *, actor_id: int | None) -> None:
    """Take a role away (the audit log keeps that it was held)."""
    audit.record(session, actor_id=actor_id, entity_type="user", entity_id=membership.user_id,
                 action="revoke_role", site_id=membership.site_id,
                 changes={"role": membership.role})
    user = membership.user
    session.delete(membership)
    session.flush()
    session.refresh(user, ["memberships"])
    if not user.memberships and not user.is_admin:
        user.end_sessions()  # nothing left to see: every session of the account ends


def end_all_sessions(session: Session, user: User, *, actor_id: int | None) -> None:
    """Log the account out everywhere ("overal uitloggen"): every session and copied
    cookie stops working at its next request."""
    user.end_sessions()
    audit.record(session, actor_id=actor_id, entity_type="user", entity_id=user.id,
                 action="end_sessions")
    session.flush()


def local_today() -> date:
    """Today in Amsterdam (the default where no app clock is passed)."""
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def site_access(user: User, site_id: int, today: date | None = None) -> SiteAccess:
    """The policy object for ``user`` on one site; a role past its end date no longer
    counts (``today``: the app's date, default the date in Amsterdam)."""
    today = today or local_today()
    memberships = [m for m in user.memberships if m.site_id == site_id and m.current(today)]
    corporation_admin = False
    if user.admin_of_corporation_id is not None:
        site = object_session(user).get(Site, site_id)
        corporation_admin = site is not None and \
            site.corporation_id == user.admin_of_corporation_id
    return SiteAccess(
        site_id=site_id,
        roles=frozenset(m.role for m in memberships),
        is_admin=user.is_admin,
        is_corporation_admin=corporation_admin,
        care_organisation_ids=frozenset(m.organisation_id for m in memberships
                                        if m.role == Role.BEGELEIDER and m.organisation_id))


def visible_sites(session: Session, user: User, today: date | None = None) -> list[Site]:
    """The sites the user holds a current role on (admins: all sites)."""
    today = today or local_today()
    stmt = sa.select(Site).order_by(Site.name)
    if not user.is_admin:
        held = Site.id.in_(sa.select(Membership.site_id).where(
            Membership.user_id == user.id,
            sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today)))
        if user.admin_of_corporation_id is not None:
            held = sa.or_(held, Site.corporation_id == user.admin_of_corporation_id)
        stmt = stmt.where(held)
    return list(session.scalars(stmt))
