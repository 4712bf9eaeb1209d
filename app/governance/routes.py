"""Governance: the bodies of a site, their seats and decision log, "Mijn actiepunten" and
the action item page, the ALV settings, and the dashboard's "Overleg" section."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import ANY_ROLE, site_view
from app.clock import today
from app.forms import save_or_render
from app.governance.forms import (AlvSettingsForm, ActionStatusForm, BodyForm, EndMemberForm,
                                  MemberForm, PostForm)
from models import ActionItem, Body, BodyKind, BodyMember, Site, db
from services.accounts import site_access, visible_sites
from services.governance import actions, alv, bodies, decisions, escalation, overview
from services.governance.schedule import meetings_of_body
from services.registry.sites import organisations

bp = Blueprint("governance", __name__)

S = "/locaties/<int:site_id>/overleg"
MANAGE = lambda access: access.can_manage_bodies  # noqa: E731


@dataclass(frozen=True)
class Rights:
    """What the current user may do with one body."""

    sees: bool
    runs: bool
    manages: bool
    role: str | None


def rights_for(site, access, body: Body, user_id: int | None = None) -> Rights:
    """The rights of the current user (or of ``user_id``) on ``body``."""
    on = today()
    user_id = current_user.id if user_id is None else user_id
    role = bodies.member_role(db.session, body.id, user_id, on)
    kinds = bodies.member_kinds(db.session, site.id, user_id, on)
    return Rights(access.sees_body(body.kind, role is not None, kinds), access.runs_body(role),
                  access.can_manage_bodies, role)


def body_view(need: str = "sees"):
    """Like ``site_view``, for a view taking ``body_id``: 404 for a body that does not
    span the site, 403 unless the user ``need``s the body (sees, runs or manages it)."""

    def decorator(view):
        @site_view(ANY_ROLE)
        @wraps(view)
        def wrapper(site, access, body_id: int, **kwargs):
            body = bodies.body_on_site(db.session, site.id, body_id)
            if body is None:
                abort(404)
            rights = rights_for(site, access, body)
            if not getattr(rights, need):
                abort(403)
            return view(site=site, access=access, body=body, rights=rights, **kwargs)

        def may_open(access, user_id: int | None, body_id: int, **_args) -> bool:
            """For links (app.links.may_open): whether ``user_id`` would get the page,
            from the site's seats read once per request."""
            if access.can_manage_bodies:
                return True
            kinds_by_body, seats = site_seats(access.site_id)
            if body_id not in kinds_by_body or user_id is None:
                return False
            own = seats.get(user_id, {})
            role = own.get(body_id)
            rights = Rights(access.sees_body(kinds_by_body[body_id], body_id in own,
                                             frozenset(kinds_by_body[b] for b in own)),
                            access.runs_body(role), access.can_manage_bodies, role)
            return bool(getattr(rights, need))

        wrapper.link_check = may_open
        return wrapper

    return decorator


def site_seats(site_id: int) -> tuple[dict[int, str], dict[int, dict[int, str | None]]]:
    """The kinds of the site's bodies and, per user, their seats today (body -> role in
    it, the running roles first), read in two queries once per request."""
    cache = g.setdefault("site_seats", {})
    if site_id in cache:
        return cache[site_id]
    on = today()
    kinds = {b.id: b.kind for b in bodies.bodies_of_site(db.session, site_id)}
    seats: dict[int, dict[int, str | None]] = {}
    for body_id, user_id, role in db.session.execute(
            sa.select(BodyMember.body_id, BodyMember.user_id, BodyMember.role_in_body)
            .where(BodyMember.body_id.in_(list(kinds)), BodyMember.user_id.is_not(None),
                   BodyMember.starts_on <= on,
                   sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on > on))):
        own = seats.setdefault(user_id, {})
        if own.get(body_id) not in bodies.RUNNING_ROLES:
            own[body_id] = role
    cache[site_id] = (kinds, seats)
    return cache[site_id]


def to_body(site, body) -> str:
    return url_for("governance.body", site_id=site.id, body_id=body.id)


def save_on_page(form, action, success, back: str, template: str, context: dict):
    """``save_or_render`` for a form on a page with several forms: back to ``back`` when
    saved, else the page again with ``context`` (which holds the posted form);
    ``success`` is the message, or a function of the result giving it."""
    return save_or_render(form, action,
                          success=success if callable(success) else lambda _result: success,
                          next_url=lambda _result: back, template=template, **context)


@bp.app_template_global("governance_overview")
def governance_overview(site: Site) -> overview.SiteGovernance:
    """The dashboard's "Overleg" section (included by sites/dashboard.html)."""
    return overview.site_governance(db.session, site, today())


@bp.route(S + "/")
@site_view(ANY_ROLE)
def index(site, access):
    on = today()
    return render_template("governance/bodies.html", site=site, access=access, year=on.year,
                           summary=overview.site_governance(db.session, site, on))


def _manageable_site_ids() -> frozenset[int]:
    """The sites on which the current person may manage bodies."""
    return frozenset(s.id for s in visible_sites(db.session, current_user)
                     if site_access(current_user, s.id).can_manage_bodies)


def _body_form(site, body: Body | None = None) -> BodyForm:
    """The sites offered: those the person manages, and the body's own."""
    form = BodyForm(obj=body)
    own = list(body.sites) if body else []
    offered = _manageable_site_ids() | {s.id for s in own}
    known = {s.id: s for s in [*visible_sites(db.session, current_user), *own]}
    form.site_ids.choices = [(i, s.name) for i, s in known.items() if i in offered]
    if request.method == "GET":
        form.site_ids.data = [s.id for s in body.sites] if body else [site.id]
    return form


def _body_data(form: BodyForm, kind: str) -> bodies.BodyData:
    return bodies.BodyData(kind, form.name.data, form.code.data, form.site_ids.data or [],
                           manageable_site_ids=_manageable_site_ids())


@bp.route(S + "/nieuw", methods=["GET", "POST"])
@site_view(MANAGE)
def new_body(site, access):
    form = _body_form(site)
    return save_or_render(
        form, lambda: bodies.create_body(db.session, _body_data(form, form.kind.data),
                                         today=today(), actor_id=current_user.id),
        success=lambda b: _("%(name)s is aangemaakt.", name=b.name),
        next_url=lambda b: to_body(site, b), template="governance/body_form.html",
        site=site, body=None)


@bp.route(S + "/<int:body_id>/bewerken", methods=["GET", "POST"])
@body_view("manages")
def edit_body(site, access, body, rights):
    form = _body_form(site, body)
    form.kind.data = body.kind
    return save_or_render(
        form, lambda: bodies.update_body(db.session, body, _body_data(form, body.kind),
                                         today=today(), actor_id=current_user.id),
        success=lambda b: _("%(name)s is opgeslagen.", name=b.name),
        next_url=lambda b: to_body(site, b), template="governance/body_form.html",
        site=site, body=body)


def _member_form(site, body, blank: bool = False) -> MemberForm:
    form = MemberForm(formdata=None) if blank else MemberForm()
    form.user_id.choices = [("", _("— geen account —"))] + [
        (str(i), n) for i, n in bodies.site_users(db.session, [s.id for s in body.sites])]
    form.organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in organisations(db.session, active_only=True)]
    return form


def _body_context(site, access, body, rights, **forms) -> dict:
    on = today()
    query = request.args.get("q", "").strip()
    member_form = forms.get("member_form") or _member_form(site, body, blank=True)
    if member_form.starts_on.data is None:
        member_form.starts_on.data = on
    return dict(
        site=site, access=access, body=body, rights=rights, on=on, query=query,
        members=sorted(body.members, key=lambda m: (not m.is_active(on), m.name.lower())),
        meetings=meetings_of_body(db.session, body.id),
        decisions=decisions.search(db.session, body.id, query),
        open_actions=actions.open_actions(db.session, body.id),
        escalations=escalation.escalations_of(db.session, body.id),
        member_form=member_form, end_form=forms.get("end_form") or EndMemberForm(formdata=None))


@bp.route(S + "/<int:body_id>")
@body_view()
def body(site, access, body, rights):
    return render_template("governance/body.html", **_body_context(site, access, body, rights))


@bp.route(S + "/<int:body_id>/leden", methods=["POST"])
@body_view("manages")
def add_member(site, access, body, rights):
    form = _member_form(site, body)
    return save_or_render(
        form, lambda: bodies.add_member(
            db.session, body, user_id=form.user_id.data, person_name=form.person_name.data,
            organisation_id=form.organisation_id.data, role_in_body=form.role_in_body.data,
            starts_on=form.starts_on.data, actor_id=current_user.id),
        success=lambda m: _("%(name)s heeft een zetel gekregen.", name=m.name),
        next_url=lambda m: to_body(site, body), template="governance/body.html",
        **_body_context(site, access, body, rights, member_form=form))


@bp.route(S + "/<int:body_id>/leden/<int:member_id>/beeindigen", methods=["POST"])
@body_view("manages")
def end_member(site, access, body, rights, member_id: int):
    member = db.session.get(BodyMember, member_id)
    if member is None or member.body_id != body.id:
        abort(404)
    form = EndMemberForm()
    return save_or_render(
        form, lambda: bodies.end_member(db.session, member, ends_on=form.ends_on.data,
                                        actor_id=current_user.id),
        success=lambda m: _("De zetel van %(name)s is beëindigd.", name=m.name),
        next_url=lambda m: to_body(site, body), template="governance/body.html",
        **_body_context(site, access, body, rights, end_form=form))


@bp.route(S + "/<int:body_id>/leden/bijwerken", methods=["POST"])
@body_view("manages")
def sync_members(site, access, body, rights):
    form = PostForm()
    return save_or_render(
        form, lambda: bodies.sync_role_members(db.session, body, today=today(),
                                               actor_id=current_user.id),
        success=lambda n: _("De zetels zijn bijgewerkt vanuit de rollen (%(n)s gewijzigd).",
                            n=n),
        next_url=lambda n: to_body(site, body), template="governance/body.html",
        **_body_context(site, access, body, rights))


@bp.route(S + "/<int:body_id>/alv-instellingen", methods=["GET", "POST"])
@body_view("manages")
def alv_settings(site, access, body, rights):
    if body.kind != BodyKind.ALV:
        abort(404)
    settings = alv.settings_for(db.session, body.organisation_id)
    form = AlvSettingsForm(obj=settings)
    return save_or_render(
        form, lambda: alv.save_settings(
            db.session, body.organisation_id, quorum_percent=form.quorum_percent.data,
            max_proxies=form.max_proxies.data, meetings_per_year=form.meetings_per_year.data,
            actor_id=current_user.id),
        success=lambda s: _("De ALV-instellingen zijn opgeslagen."),
        next_url=lambda s: to_body(site, body), template="governance/alv_settings.html",
        site=site, body=body)


# --- action items -----------------------------------------------------------------

@bp.route("/actiepunten")
@login_required
def my_actions():
    everything = request.args.get("alle") == "1"
    return render_template("governance/my_actions.html", on=today(), everything=everything,
                           items=actions.my_actions(db.session, current_user.id,
                                                    include_closed=everything))


def _action_rights(action: ActionItem) -> Rights:
    """Owners see and update their own items; the body's members see them and those who
    run the body update them (through any site the body spans)."""
    sees = runs = action.owner_id == current_user.id
    for site in action.body.sites:
        rights = rights_for(site, site_access(current_user, site.id), action.body)
        sees, runs = sees or rights.sees, runs or rights.runs
    return Rights(sees, runs, False, None)


@bp.route("/actiepunten/<int:action_id>", methods=["GET", "POST"])
@login_required
def action(action_id: int):
    item = db.session.get(ActionItem, action_id)
    if item is None:
        abort(404)
    rights = _action_rights(item)
    if not rights.sees or (request.method == "POST" and not rights.runs):
        abort(403)
    form = ActionStatusForm()
    if request.method == "GET":
        form.status.data, form.on.data = item.status, today()
    return save_or_render(
        form, lambda: actions.set_status(db.session, item, status=form.status.data,
                                         on=form.on.data, note=form.note.data,
                                         actor_id=current_user.id),
        success=lambda n: _("De status van het actiepunt is bijgewerkt."),
        next_url=lambda n: url_for("governance.action", action_id=item.id),
        template="governance/action.html", item=item, rights=rights, on=today(),
        overdue=actions.is_overdue(item, today()))
