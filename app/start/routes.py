""""Mijn werk": a start page per role on a site, and the way to it after logging in.

Each section reuses the services of the pages it summarises and shows what those pages
show the same reader: the published mix and the hours report as the viewer may see them
(a small group's norm withheld), signals the viewer sees. The statements per request stay
fixed however much history a site has."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.access import ANY_ROLE, mix_rules_for, site_view
from app.clock import now, today
from app.hours.forms import EntryForm
from app.hours.routes import _set_choices as set_entry_choices
from models import Signal, User, db
from models.enums import Role
from services.accounts import visible_sites
from services.association import bank, board, grants, reminders
from services.association import members as association_members
from services.governance import actions as action_service
from services.governance.status import status_report
from services.hours import coach_weeks
from services.hours import entries as entry_service
from services.hours.calendar import load_norm_inputs
from services.hours.periods import PeriodKind, month_start, period_of
from services.hours.reports import build_report
from services.imo import agenda as imo_agenda
from services.imo import candidates as candidate_service
from services.imo import meetings as imo_meetings
from services.monitoring import signals as signal_service
from services.registry.mix import load_occupancies, site_mix
from services.rooms import agenda as agenda_service
from services.rooms import rooms as room_service

bp = Blueprint("start", __name__)

#: the coach's own signals: about the coach's hours (the coach sees the coach report)
COACH_RULES = ("coach_hours", "coach_phase")
#: the action items "Mijn actiepunten" shows; the rest are one link away
START_ACTIONS = 8


@bp.route("/mijn-werk")
@login_required
def home():
    """After logging in: the start page of the one site, else a choice of sites."""
    sites = visible_sites(db.session, current_user)
    if len(sites) == 1:
        return redirect(url_for("start.site", site_id=sites[0].id))
    return render_template("start/choose.html", sites=sites)


def sections_for(access) -> list[str]:
    """The sections of the start page, in order, for the roles held (an admin without
    a role reads the sociaal beheerder's)."""
    roles = access.roles
    found = []
    if Role.SOCIAAL_BEHEERDER in roles or (access.is_admin and not roles):
        found.append("beheer")
    if Role.COMMUNITYCOACH in roles:
        found.append("coach")
    if Role.BESTUUR in roles:
        found.append("bestuur")
    if Role.BEGELEIDER in roles:
        found.append("begeleider")
    if Role.KERNGROEP in roles or Role.STUURGROEP in roles:
        found.append("stand")
    if Role.TOELATINGSCOMMISSIE in roles:
        found.append("toelating")
    return found


@bp.route("/locaties/<int:site_id>/mijn-werk")
@site_view(ANY_ROLE)
def site(site, access):
    on = today()
    sections = sections_for(access)
    mine = action_service.my_actions(db.session, current_user.id,  # with their bodies
                                     limit=START_ACTIONS)
    context: dict = dict(site=site, access=access, sections=sections, today=on,
                         my_actions=mine)
    signals = signal_service.site_signals(db.session, access)
    context["signals"] = [s for s in signals if signal_service.may_act(access, s.audience)]
    month = period_of(PeriodKind.MONTH, on)
    if "coach" in sections or "begeleider" in sections:
        inputs = load_norm_inputs(db.session, site, since=month_start(on - timedelta(days=6)))
        if "coach" in sections:
            context["coach_week"] = coach_weeks.this_week(db.session, site, on, inputs)
            context["coach_month"] = coach_weeks.month_weeks(db.session, site, month.start, on,
                                                             inputs)
            context["coach_signals"] = _coach_signals(site.id)
            context["hour_form"] = _quick_hour_form(site, access)
        if "begeleider" in sections:
            context["care"] = build_report(db.session, site, access, month, on, inputs).care
    if "bestuur" in sections:
        rooms = [r for r in room_service.rooms_of(db.session, site.id) if r.active]
        week = period_of(PeriodKind.WEEK, on)
        context["room_week"] = agenda_service.agenda(db.session, rooms, week.start, week.end)
        context["room_period"] = week
        context["rooms"] = rooms if access.can_book_rooms else []
        context["association"] = (_association_todos(site.association_id, site.id, on)
                                  if site.association_id and access.sees_association
                                  else None)
    if "beheer" in sections or "toelating" in sections:
        context["waiting"] = candidate_service.waiting_list(db.session, site.id, on)
        context["imo_next"] = next((m for m in reversed(imo_meetings.meetings_of(
            db.session, site.id)) if m.held_on >= on), None)
        if "beheer" in sections:
            context["vacancies"] = imo_agenda.vacancies(db.session, site.id, on)
    if "stand" in sections:
        context["status"] = status_report(db.session, site.id, access, now())
        _preload(User, {a.owner_id for a in context["status"].open_actions})
        stays = load_occupancies(db.session, site.id)  # for the mix and the care norms
        context["mix"] = site_mix(db.session, site, on, months=1, rules=mix_rules_for(access),
                                  occupancies=stays)
        context["hours"] = build_report(db.session, site, access, month, on, load_norm_inputs(
            db.session, site, since=month.start, occupancies=stays))
    return render_template("start/site.html", **context)


def _association_todos(association_id: int, site_id: int, on) -> SimpleNamespace:
    """The "Te doen" of the association's dashboard (services.association.overview),
    without the balances, budgets and participation the start page does not show."""
    everyone = association_members.all_members(db.session, association_id)  # read once
    return SimpleNamespace(
        members=len(association_members.current(everyone, on)),
        suggestions=len(association_members.suggestions(db.session, association_id, on,
                                                        members=everyone)),
        households_behind=reminders.overdue_count(db.session, association_id, on),
        open_lines=bank.open_line_count(db.session, association_id),
        concepts=len(reminders.concepts(db.session, association_id)),
        vacancies=board.vacancies(db.session, association_id, on),
        kvk_pending=len(board.kvk_pending(db.session, association_id)),
        grants_ending=[row for row in grants.grant_rows(db.session, association_id, on)
                       if row.ending_soon])


def _preload(model, ids: set[int]) -> None:
    """Load the rows the page reads through relationships in one query (the lazy loads
    then find them in the session, which holds them while ``g`` keeps them), so the
    statements do not grow with the rows."""
    if ids:
        g.setdefault("preloaded", []).extend(
            db.session.scalars(db.select(model).where(model.id.in_(ids))))


def _quick_hour_form(site, access) -> EntryForm:
    """The hour form of "Snel schrijven", filled with the coach's usual choices; it posts
    to that page, which saves it or shows what to correct."""
    form = EntryForm(formdata=None)
    set_entry_choices(form, access)
    defaults = entry_service.defaults_for(db.session, site, access, current_user.id)
    form.work_date.data = today()
    form.category.data = defaults.category
    form.organisation_id.data = defaults.organisation_id
    form.activity_type.data = defaults.activity_type
    return form


def _coach_signals(site_id: int) -> list[Signal]:
    return list(db.session.scalars(db.select(Signal).where(
        Signal.site_id == site_id, Signal.rule.in_(COACH_RULES),
        Signal.state.in_(("open", "acknowledged"))).order_by(Signal.id)))
