"""Links that lead somewhere: whether a reader may open a path of the app, and who on a
site acts on a signal the reader cannot act on or whose page they may not open."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from models import Membership, User, db
from models.enums import Role
from services.access import SiteAccess
from services.monitoring import signals as signal_service

#: the order in which the roles are named as the ones who act
ACTING_ORDER = (Role.SOCIAAL_BEHEERDER, Role.COMMUNITYCOACH, Role.BESTUUR, Role.BEGELEIDER,
                Role.KERNGROEP, Role.STUURGROEP, Role.TOELATINGSCOMMISSIE)


def _match(path: str):
    adapter = current_app.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(path).path, method="GET")
    except RequestRedirect as redirect:  # e.g. a missing trailing slash
        try:
            return adapter.match(urlsplit(redirect.new_url).path, method="GET")
        except HTTPException:
            return None
    except HTTPException:
        return None


def may_open(path: str | None, access: SiteAccess, user_id: int | None = None) -> bool:
    """Whether the holder of ``access`` (account ``user_id``) may open ``path`` (a local
    path of a site page): the page's own permission (``site_view``) on the same site and
    the view's ``link_check`` when it checks more (a body's members), or an admin page
    for an admin. Anything else, an unknown path included, counts as closed (deny by
    default)."""
    if not path:
        return False
    matched = _match(path)
    if matched is None:
        return False
    endpoint, args = matched
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "admin_only", False):
        return access.is_admin
    permission = getattr(view, "site_permission", None)
    if permission is None or args.get("site_id") != access.site_id:
        return False
    if not permission(access):
        return False
    check = getattr(view, "link_check", None)
    return check is None or bool(check(access, user_id, **args))


@dataclass(frozen=True)
class Person:
    """Someone on the site: their name, their roles there and the policy they get."""

    user_id: int
    name: str
    roles: tuple[str, ...]
    access: SiteAccess


def site_people(site_id: int) -> list[Person]:
    """The active accounts holding a role on the site (one query), by name."""
    rows = db.session.execute(
        sa.select(User.id, User.name, Membership.role, Membership.organisation_id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site_id, User.active.is_(True))
        .order_by(User.name, User.id))
    people: dict[int, dict] = {}
    for user_id, name, role, organisation_id in rows:
        entry = people.setdefault(user_id, {"name": name, "roles": [], "orgs": set()})
        entry["roles"].append(role)
        if role == Role.BEGELEIDER and organisation_id:
            entry["orgs"].add(organisation_id)
    return [Person(user_id, p["name"], tuple(p["roles"]),
                   SiteAccess(site_id, frozenset(p["roles"]),
                              care_organisation_ids=frozenset(p["orgs"])))
            for user_id, p in people.items()]


def acting_role(person: Person) -> str:
    return min(person.roles, key=lambda r: ACTING_ORDER.index(r)
               if r in ACTING_ORDER else len(ACTING_ORDER))


def _grouped(people: list[Person]) -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for person in people:
        grouped.setdefault(acting_role(person), []).append(person.name)
    return sorted(grouped.items(), key=lambda item: ACTING_ORDER.index(item[0])
                  if item[0] in ACTING_ORDER else len(ACTING_ORDER))


def signal_actors(people: list[Person], audience: str, link: str | None
                  ) -> list[tuple[str, list[str]]]:
    """Who takes up a signal, grouped by their (first) role: ``[("sociaal_beheerder",
    ["Sanne ..."]), ...]``. Those who may act on it and open its page; when nobody may
    do both, those who may open its page (the bestuur for the board's own pages), else
    those who may act on it."""
    acting = [p for p in people if signal_service.may_act(p.access, audience)]
    opening = [p for p in people if may_open(link, p.access, p.user_id)] if link else acting
    both = [p for p in acting if p in opening]
    return _grouped(both or opening or acting)


#: what the link under a signal does, in words (by the signal's rule)
SIGNAL_LINKS = {
    "mix": _l("Bekijk de mix van de locatie"), "mix_trend": _l("Bekijk de mix van de locatie"),
    "mix_forecast": _l("Bekijk de aanmeldingen in de IMO"),
    "imo_invite": _l("Bekijk de aanmeldingen in de IMO"),
    "active_share": _l("Bekijk de bewoners"),
    "coach_hours": _l("Bekijk het urenrapport"), "coach_phase": _l("Bekijk het urenrapport"),
    "care_contribution": _l("Bekijk het urenrapport"), "management": _l("Bekijk het urenrapport"),
    "actions_overdue": _l("Bekijk de actiepunten"), "minutes_open": _l("Bekijk de vergaderingen"),
    "cadence": _l("Plan een vergadering"), "agreement_ending": _l("Bekijk de afspraken"),
    "grant_ending": _l("Bekijk de subsidies"), "board_vacancy": _l("Bekijk het bestuur"),
    "dues_overdue": _l("Bekijk de openstaande contributie"),
    "room_requests_waiting": _l("Bekijk de aanvragen voor de ruimte"),
    "room_hardly_used": _l("Bekijk het gebruik van de ruimte"),
    "mail_failed": _l("Bekijk de mislukte e-mails"),
    "scheduler_silent": _l("Bekijk de geplande taken"),
    "scheduler_gap": _l("Bekijk de geplande taken"),
}


def signal_link_text(rule: str | None) -> str:
    """The words of the link under a signal: what the reader can do there."""
    return str(SIGNAL_LINKS.get(rule or "", _l("Open de pagina van dit signaal")))


def register(app) -> None:
    """Template globals for the signal lists: ``open_link(path)`` gives the path when the
    reader may open it (else None) and ``actors_of(signal)`` who acts on it."""
    from flask import g

    @app.template_global("open_link")
    def open_link(path: str | None) -> str | None:
        from flask_login import current_user

        access = g.get("access")
        return path if access is not None and may_open(path, access, current_user.id) \
            else None

    from flask_babel import format_date

    from app.start.nav import menu

    app.add_template_global(menu, "nav_menu")
    app.add_template_filter(signal_link_text, "signal_link_text")
    app.add_template_filter(lambda d: format_date(d, "d MMM") if d else "", "daymonth")

    @app.template_global("actors_of")
    def actors_of(signal) -> list[tuple[str, list[str]]]:
        if "site_people" not in g:
            g.site_people = site_people(signal.site_id)
        return signal_actors(g.site_people, signal.audience, signal.link)


def forbidden_help() -> dict:
    """What the 403 page says: the site the person is on (when they hold a role there),
    their roles there and the site's sociaal beheerders, whom to ask."""
    site, access = g_site_access()
    if site is None:
        return {"site": None, "roles": [], "ask": []}
    ask = [p.name for p in site_people(site.id) if Role.SOCIAAL_BEHEERDER in p.roles]
    return {"site": site, "roles": sorted(access.roles), "ask": ask}


def g_site_access():
    from flask import g

    site, access = g.get("site"), g.get("access")
    if site is None or access is None or not access.any_role:
        return None, None
    return site, access
