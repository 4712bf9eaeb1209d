"""Who has access to a site ("Wie heeft toegang"): the periodic access review of the
AVG (art. 32, a process for regularly testing the measures): every account with a role
on the site, its roles with since when and until when, its last login and how, and
whether it has a second factor; and the installation's administrators, who see every
site. Nothing about residents or their support is in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from models import Membership, Site, User
from services.errors import N_
from services.hours.export import Table, untranslated

Translate = Callable[..., str]


@dataclass(frozen=True)
class RoleRow:
    membership_id: int
    role: str
    organisation: str | None
    since: datetime | None
    until: date | None
    current: bool


@dataclass(frozen=True)
class AccountRow:
    user_id: int
    name: str
    email: str
    active: bool
    roles: list[RoleRow]
    last_login_at: datetime | None
    last_login_method: str | None
    two_factor: bool


def _row(user: User, roles: list[RoleRow]) -> AccountRow:
    return AccountRow(user.id, user.name, user.email, user.active, roles, user.last_login_at,
                      user.last_login_method, user.has_second_factor)


def site_accounts(session: Session, site: Site, today: date) -> list[AccountRow]:
    """Every account holding (or having held, with an end date) a role on ``site``."""
    memberships = session.scalars(
        sa.select(Membership).where(Membership.site_id == site.id)
        .options(selectinload(Membership.user), selectinload(Membership.organisation))
        .order_by(Membership.id)).all()
    by_user: dict[int, tuple[User, list[RoleRow]]] = {}
    for m in memberships:
        user, roles = by_user.setdefault(m.user_id, (m.user, []))
        roles.append(RoleRow(m.id, m.role, m.organisation.name if m.organisation else None,
                             m.created_at, m.ends_on, m.current(today)))
    rows = [_row(user, roles) for user, roles in by_user.values()]
    return sorted(rows, key=lambda r: (r.name.lower(), r.user_id))


def administrators(session: Session, site: Site) -> list[AccountRow]:
    """The installation's administrators (every site, whatever their roles) and the
    administrators of the site's woningcorporatie."""
    admin = User.is_admin.is_(True)
    if site.corporation_id is not None:
        admin = sa.or_(admin, User.admin_of_corporation_id == site.corporation_id)
    users = session.scalars(sa.select(User).where(admin)
                            .order_by(User.name, User.id)).all()
    return [_row(user, []) for user in users]


def method_label(method: str | None, provider_labels: dict[str, str],
                 _: Translate = untranslated) -> str:
    if not method:
        return _("nog nooit ingelogd")
    if method.startswith("sso:"):
        key = method.partition(":")[2]
        return _("SSO (%(org)s)", org=provider_labels.get(key, key))
    return _("wachtwoord")


ROLE_LABELS = {"sociaal_beheerder": N_("sociaal beheerder"),
               "communitycoach": N_("communitycoach"), "begeleider": N_("begeleider"),
               "bestuur": N_("bestuur"), "kerngroep": N_("kerngroep"),
               "stuurgroep": N_("stuurgroep"),
               "toelatingscommissie": N_("toelatingscommissie")}


def review_tables(site: Site, accounts: list[AccountRow], admins: list[AccountRow],
                  provider_labels: dict[str, str],
                  _: Translate = untranslated) -> list[Table]:
    """The review as tables (one row per role) for the CSV and XLSX downloads."""
    yes, no = _("ja"), _("nee")
    head = [_("Naam"), _("E-mailadres"), _("Account actief"), _("Rol"), _("Organisatie"),
            _("Sinds"), _("Tot en met"), _("Rol geldt nu"), _("Laatst ingelogd (UTC)"),
            _("Ingelogd met"), _("Tweestapsverificatie")]

    def login(row: AccountRow) -> list:
        return [row.last_login_at.replace(tzinfo=None, microsecond=0)
                if row.last_login_at else None,
                method_label(row.last_login_method, provider_labels, _),
                yes if row.two_factor else no]

    rows = []
    for account in accounts:
        for role in account.roles:
            rows.append([account.name, account.email, yes if account.active else no,
                         _(ROLE_LABELS.get(role.role, role.role)), role.organisation,
                         role.since.date() if role.since else None, role.until,
                         yes if role.current else no, *login(account)])
    admin_rows = [[a.name, a.email, yes if a.active else no, *login(a)] for a in admins]
    return [Table(_("Toegang %(site)s", site=site.name), head, rows),
            Table(_("Beheerders"), [_("Naam"), _("E-mailadres"), _("Account actief"),
                                    _("Laatst ingelogd (UTC)"), _("Ingelogd met"),
                                    _("Tweestapsverificatie")], admin_rows)]
