"""Access checks for views: deny by default, 403 when a role is missing."""
from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app, g
from flask_login import current_user, login_required

from app.clock import today
from models import Site, db
from services.access import SiteAccess
from services.accounts import site_access
from services.registry.disclosure import DisclosureRules


def site_view(permission: Callable[[SiteAccess], bool]):
    """Wrap a view taking ``site_id``: it receives ``site`` and ``access`` instead, and
    answers 404 for an unknown site and 403 when ``permission(access)`` is false."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(site_id: int, **kwargs):
            site = db.session.get(Site, site_id)
            if site is None:
                abort(404)
            access = site_access(current_user, site_id, today())
            if access.any_role:  # the site navigation in base.html, also on a 403 page
                g.site, g.access = site, access
            if not permission(access):
                abort(403)
            return view(site=site, access=access, **kwargs)

        wrapper.site_permission = permission  # read by app.links.may_open
        return wrapper

    return decorator


def admin_required(view):
    """Only for global admins."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    wrapper.admin_only = True  # read by app.links.may_open
    return wrapper


ANY_ROLE = lambda access: access.any_role  # noqa: E731
LIST_RESIDENTS = lambda access: access.can_list_residents  # noqa: E731
MANAGE_REGISTRY = lambda access: access.can_manage_registry  # noqa: E731
MANAGE_UNITS = lambda access: access.can_manage_units  # noqa: E731


def disclosure_rules() -> DisclosureRules:
    """The installation's disclosure rules for published mix figures (config.py)."""
    config = current_app.config
    return DisclosureRules(config["DISCLOSURE_MIN_CELL"], config["DISCLOSURE_ROUNDING"],
                           config["DISCLOSURE_BATCH"])


def mix_rules_for(access: SiteAccess) -> DisclosureRules | None:
    """Exact mix figures for whoever sees every resident's care data on the site (the
    sociaal beheerder, admins); the published figures for everyone else."""
    return None if access.sees_all_care_data else disclosure_rules()
