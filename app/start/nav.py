"""The main menu: the items a person may open, at most five of them up front (in the order
that suits their role on the site), the rest under "Meer", and which one is current."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models.enums import Role

UP_FRONT = 5


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str
    current: bool = False


#: up-front order per role (the first role of the person on the site that is listed)
ROLE_ORDER = (
    (Role.SOCIAAL_BEHEERDER, ("start", "residents", "imo", "hours", "signals")),
    (Role.COMMUNITYCOACH, ("start", "hours", "rooms", "participation", "residents")),
    (Role.BESTUUR, ("start", "rooms", "association", "governance", "residents")),
    (Role.BEGELEIDER, ("start", "hours", "residents", "imo", "governance")),
    (Role.KERNGROEP, ("start", "governance", "hours", "dashboard", "signals")),
    (Role.STUURGROEP, ("start", "governance", "hours", "dashboard", "signals")),
    (Role.TOELATINGSCOMMISSIE, ("start", "imo", "governance", "rooms", "dashboard")),
)
ADMIN_ORDER = ("start", "residents", "imo", "hours", "signals")
NO_SITE_ORDER = ("start", "actions", "admin")

LABELS = {
    "start": _l("Mijn werk"), "dashboard": _l("Locatie"), "residents": _l("Bewoners"),
    "units": _l("Wooneenheden"), "imo": _l("IMO"), "handover": _l("Overdracht"),
    "hours": _l("Uren"), "governance": _l("Overleg"), "rooms": _l("Ruimte"),
    "association": _l("Vereniging"), "participation": _l("Meedoen"),
    "signals": _l("Signalen"), "imports": _l("Inlezen"), "access": _l("Wie heeft toegang"),
    "actions": _l("Mijn actiepunten"), "links": _l("Koppelingen"), "admin": _l("Beheer"),
}


def _available(site, access) -> dict[str, str]:
    """key -> url of every item the person may open (site items only with a site)."""
    items: dict[str, str] = {}
    if site is not None and access is not None and access.any_role:
        s = site.id
        items["start"] = url_for("start.site", site_id=s)
        items["dashboard"] = url_for("sites.dashboard", site_id=s)
        if access.can_list_residents:
            items["residents"] = url_for("residents.index", site_id=s)
        if access.can_manage_units:
            items["units"] = url_for("sites.units", site_id=s)
        if access.can_manage_registry:
            items["imports"] = url_for("imports.index", site_id=s)
        if access.can_review_access:
            items["access"] = url_for("sites.access_review", site_id=s)
        if access.is_imo_member:
            items["imo"] = url_for("imo.overview", site_id=s)
        elif access.can_see_handover:
            items["handover"] = url_for("imo.handovers", site_id=s)
        if access.can_log_hours:
            items["hours"] = url_for("hours.log", site_id=s)
        elif access.can_see_hour_reports:
            items["hours"] = url_for("hours.report", site_id=s)
        items["governance"] = url_for("governance.index", site_id=s)
        if access.can_book_rooms:
            items["rooms"] = url_for("rooms.index", site_id=s)
        if access.sees_association and site.association_id:
            items["association"] = url_for("association.index", site_id=s)
        elif access.sees_participation:
            items["participation"] = url_for("association.participation_page", site_id=s)
        items["signals"] = url_for("monitoring.signals", site_id=s)
    else:
        items["start"] = url_for("start.home")
    items["actions"] = url_for("governance.my_actions")
    if current_user.is_admin or any(m.role == Role.SOCIAAL_BEHEERDER
                                    for m in current_user.memberships):
        items["links"] = url_for("service_accounts.index")
    if current_user.is_admin:
        items["admin"] = url_for("admin.users")
    return items


def current_key() -> str | None:
    """The menu item of the page being shown."""
    endpoint = request.endpoint or ""
    blueprint, _, view = endpoint.partition(".")
    if endpoint == "governance.my_actions":
        return "actions"
    if endpoint == "sites.dashboard":
        return "dashboard"
    if endpoint in ("sites.units", "sites.edit_unit", "sites.add_part", "sites.edit_part"):
        return "units"
    if endpoint == "imo.handovers":
        return "handover"
    if endpoint.startswith("association.participation") or endpoint in (
            "association.record_participation", "association.set_active"):
        return "participation"
    if endpoint == "monitoring.signals":
        return "signals"
    if endpoint.startswith("sites.access_review") or endpoint in (
            "sites.roles", "sites.role_end", "sites.revoke_role"):
        return "access"
    if endpoint == "sites.settings":
        return "dashboard"
    return {"start": "start", "residents": "residents", "imo": "imo", "hours": "hours",
            "governance": "governance", "rooms": "rooms", "association": "association",
            "imports": "imports", "service_accounts": "links",
            "admin": "admin", "monitoring": "admin"}.get(blueprint)


def _order(access) -> tuple[str, ...]:
    if access is None or not access.any_role:
        return NO_SITE_ORDER
    for role, order in ROLE_ORDER:
        if role in access.roles:
            return order
    return ADMIN_ORDER


def menu() -> tuple[list[NavItem], list[NavItem]]:
    """(up front, under "Meer") for the current person and page."""
    site, access = g.get("site"), g.get("access")
    available = _available(site, access)
    current = current_key()
    def make(key: str) -> NavItem:
        label = site.name if key == "dashboard" else str(LABELS[key])  # the site's overview
        return NavItem(key, label, available[key], key == current)

    front = [key for key in _order(access) if key in available][:UP_FRONT]
    rest = [key for key in LABELS if key in available and key not in front]
    return [make(k) for k in front], [make(k) for k in rest]
