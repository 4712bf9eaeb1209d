"""Service accounts: an organisation's system (the corporation's tenant administration,
a care organisation's client system) calling the API with tokens of its own.

A service account acts through a technical account (a ``User`` without a usable
password and without memberships, so it never logs in, receives no mail and holds no
seat anywhere). Its access to a site comes from its scope: on each site in scope it
has the role its organisation's kind has there (:data:`ROLE_OF_KIND`), read-only or
read-write; a read-only scope refuses every write (app/api/auth.py). Its tokens expire
(at most :data:`MAX_TOKEN_DAYS` ahead).

Admins manage every service account; a sociaal beheerder manages those of the
corporations of the sites they are sociaal beheerder of, with scopes on those sites.
Nothing is deleted: revoking keeps the account and its tokens as records.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (ApiToken, Organisation, OrgKind, Role, ServiceAccount,
                    ServiceAccountSite, Site, User)
from services import api_tokens, audit
from services.access import SiteAccess
from services.errors import N_, RuleViolation

ROLE_OF_KIND = {
    OrgKind.WONINGCORPORATIE: Role.SOCIAAL_BEHEERDER,
    OrgKind.ZORGAANBIEDER: Role.BEGELEIDER,
    OrgKind.WOONVERENIGING: Role.BESTUUR,
    OrgKind.GEMEENTE: Role.STUURGROEP,
    OrgKind.WELZIJNSORGANISATIE: Role.COMMUNITYCOACH,
}
MAX_TOKEN_DAYS = 366
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: never a valid werkzeug hash: check_password_hash answers False for it
NO_PASSWORD = "service-account-has-no-password"


@dataclass(frozen=True)
class Manager:
    """What a user may manage: every site (admins) or these sites."""

    all_sites: bool
    site_ids: frozenset[int]
    organisation_ids: frozenset[int]

    @property
    def any(self) -> bool:
        return self.all_sites or bool(self.site_ids)


def manager_of(session: Session, user: User) -> Manager:
    if user.is_admin:
        return Manager(True, frozenset(), frozenset())
    site_ids = frozenset(m.site_id for m in user.memberships
                         if m.role == Role.SOCIAAL_BEHEERDER)
    orgs = frozenset(session.scalars(sa.select(Site.corporation_id).where(
        Site.id.in_(site_ids), Site.corporation_id.is_not(None)))) if site_ids else frozenset()
    return Manager(False, site_ids, orgs)


def may_manage(manager: Manager, account: ServiceAccount) -> bool:
    if manager.all_sites:
        return True
    return account.organisation_id in manager.organisation_ids and all(
        scope.site_id in manager.site_ids for scope in account.scopes)


def accounts_for(session: Session, manager: Manager) -> list[ServiceAccount]:
    accounts = session.scalars(sa.select(ServiceAccount).order_by(ServiceAccount.id.desc()))
    return [a for a in accounts if may_manage(manager, a)]


def organisations_for(session: Session, manager: Manager) -> list[Organisation]:
    stmt = sa.select(Organisation).where(Organisation.active.is_(True)).order_by(
        Organisation.name)
    if not manager.all_sites:
        stmt = stmt.where(Organisation.id.in_(manager.organisation_ids or {0}))
    return list(session.scalars(stmt))


def sites_for(session: Session, manager: Manager) -> list[Site]:
    stmt = sa.select(Site).order_by(Site.name)
    if not manager.all_sites:
        stmt = stmt.where(Site.id.in_(manager.site_ids or {0}))
    return list(session.scalars(stmt))


def create_account(session: Session, manager: Manager, *, organisation_id: int | None,
                   name: str, scopes: dict[int, bool], actor_id: int) -> ServiceAccount:
    """A service account of the organisation with ``scopes`` ({site id: may write})."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise RuleViolation(N_("Geef de koppeling een naam van hoogstens 100 tekens, "
                               "bijvoorbeeld het systeem dat haar gebruikt."), field="name")
    org = session.get(Organisation, organisation_id) if organisation_id else None
    if org is None or not org.active or org not in organisations_for(session, manager):
        raise RuleViolation(N_("Kies een organisatie."), field="organisation_id")
    if not scopes:
        raise RuleViolation(N_("Kies ten minste één locatie."), field="sites")
    allowed = {s.id for s in sites_for(session, manager)}
    if any(site_id not in allowed for site_id in scopes):
        raise RuleViolation(N_("U kunt alleen locaties kiezen die u beheert."), field="sites")
    user = User(email=f"service-{secrets.token_hex(8)}@service.invalid",
                name=f"{name} ({org.name})"[:200], password_hash=NO_PASSWORD,
                is_admin=False, active=True)
    session.add(user)
    session.flush()
    account = ServiceAccount(organisation_id=org.id, user_id=user.id, name=name,
                             created_by_id=actor_id)
    session.add(account)
    session.flush()
    for site_id, can_write in sorted(scopes.items()):
        session.add(ServiceAccountSite(account_id=account.id, site_id=site_id,
                                       can_write=can_write))
    session.flush()
    session.refresh(account, ["scopes"])
    audit.record(session, actor_id=actor_id, entity_type="service_account",
                 entity_id=account.id, action="create",
                 changes={"name": name, "organisation_id": org.id,
                          "scopes": {str(k): "schrijven" if v else "lezen"
                                     for k, v in scopes.items()}})
    return account


def create_token(session: Session, account: ServiceAccount, *, name: str, expires_on: date | None,
                 today: date, actor_id: int) -> api_tokens.NewToken:
    if account.revoked_at is not None:
        raise RuleViolation(N_("Deze koppeling is ingetrokken."))
    if expires_on is None or expires_on <= today or \
            expires_on > today + timedelta(days=MAX_TOKEN_DAYS):
        raise RuleViolation(N_("Kies een vervaldatum na vandaag en binnen %(days)s dagen."),
                            field="expires_on", days=MAX_TOKEN_DAYS)
    # valid through the chosen day: until midnight after it, Dutch time
    expires_at = datetime.combine(expires_on + timedelta(days=1), time(0),
                                  tzinfo=AMSTERDAM).astimezone(timezone.utc)
    return api_tokens.create_token(session, account.user, name, now=_now(),
                                   expires_at=expires_at, actor_id=actor_id)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def tokens_of(session: Session, account: ServiceAccount) -> list[ApiToken]:
    return api_tokens.tokens_of(session, account.user_id)


def revoke_token(session: Session, account: ServiceAccount, token: ApiToken, *,
                 actor_id: int) -> None:
    if token.user_id != account.user_id:
        raise RuleViolation(N_("Dit token hoort niet bij deze koppeling."))
    api_tokens.revoke_token(session, token, actor_id=actor_id, now=_now())


def revoke_account(session: Session, account: ServiceAccount, *, actor_id: int) -> None:
    """Revoke the account and every token it still has; the technical account stops."""
    if account.revoked_at is not None:
        raise RuleViolation(N_("Deze koppeling is al ingetrokken."))
    now = _now()
    account.revoked_at = now
    account.user.active = False
    for token in api_tokens.active_tokens(session, account.user_id):
        token.revoked_at = now
    audit.record(session, actor_id=actor_id, entity_type="service_account",
                 entity_id=account.id, action="revoke", changes={"name": account.name})
    session.flush()


# --- the API side ------------------------------------------------------------------------

def account_of(session: Session, user: User) -> ServiceAccount | None:
    """The service account a technical account acts for (None for a person)."""
    if not user.email.endswith("@service.invalid") or user.memberships:
        return None
    return session.scalar(sa.select(ServiceAccount).where(ServiceAccount.user_id == user.id))


def scope_on(account: ServiceAccount, site_id: int) -> ServiceAccountSite | None:
    return next((s for s in account.scopes if s.site_id == site_id), None)


def site_access(account: ServiceAccount, site_id: int) -> SiteAccess:
    """The account's access to a site: its organisation's role there, or none."""
    scope = scope_on(account, site_id)
    if scope is None or account.revoked_at is not None:
        return SiteAccess(site_id=site_id)
    return organisation_access(account.organisation, site_id)


def organisation_access(organisation: Organisation, site_id: int) -> SiteAccess:
    """What an organisation's system sees of a site in its scope (a service account, a
    webhook endpoint): the role its kind has there; a care organisation sees the care
    data of its own clients, a corporation that of every resident."""
    role = ROLE_OF_KIND[OrgKind(organisation.kind)]
    orgs = frozenset({organisation.id}) if role == Role.BEGELEIDER else frozenset()
    return SiteAccess(site_id=site_id, roles=frozenset({role}), care_organisation_ids=orgs)


def visible_sites(session: Session, account: ServiceAccount) -> list[Site]:
    ids = [s.site_id for s in account.scopes]
    return list(session.scalars(sa.select(Site).where(Site.id.in_(ids or [0]))
                                .order_by(Site.name)))
