"""The yearly community work plan (year at a glance by ingredient) and the collaboration
agreements of a site."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import ANY_ROLE, site_view
from app.clock import today
from app.filters import label
from app.forms import save_or_render
from app.governance.forms import (AgreementForm, GoalForm, PartyForm, PlanForm, ProgressForm,
                                  WorkActionForm)
from app.governance.routes import MANAGE, bp, save_on_page
from models import (BodyDecision, BodyKind, CollaborationAgreement, Ingredient, WorkPlanAction,
                    WorkPlanGoal, db, utcnow)
from services.governance import agreements, bodies, workplan
from services.registry.sites import organisations

W = "/locaties/<int:site_id>/werkplan"
A = "/locaties/<int:site_id>/afspraken"
AGREEMENTS = lambda access: access.sees_agreements  # noqa: E731


def _to_plan(site, year: int) -> str:
    return url_for("governance.work_plan", site_id=site.id, year=year)


def _plan_form(site, year: int, blank: bool = False) -> PlanForm:
    form = PlanForm(formdata=None) if blank else PlanForm()
    kerngroepen = [b.id for b in bodies.bodies_of_site(db.session, site.id)
                   if b.kind == BodyKind.KERNGROEP]
    form.decision_id.choices = [("", _("— nog niet vastgesteld —"))] + [
        (str(d.id), f"{d.code}: {d.text[:80]}") for d in db.session.scalars(
            sa.select(BodyDecision).where(BodyDecision.body_id.in_(kerngroepen),
                                          BodyDecision.year.in_((year - 1, year)))
            .order_by(BodyDecision.decided_on.desc()))]
    return form


def _owner_choices(site) -> list[tuple[str, str]]:
    return [("", _("— kies —"))] + [(str(i), n) for i, n in bodies.site_users(db.session,
                                                                              [site.id])]


def _plan_context(site, access, year: int, posted: dict | None = None) -> dict:
    posted = posted or {}
    plan = workplan.plan_for(db.session, site.id, year)
    goal_form = posted.get("goal") or GoalForm(formdata=None)
    goal_form.ingredient.choices = [(i.value, label(i.value)) for i in Ingredient]
    action_forms, progress_forms = {}, {}
    owners = _owner_choices(site)
    for goal in plan.goals if plan else ():
        form = posted.get(("action", goal.id)) or WorkActionForm(formdata=None,
                                                                 prefix=f"g{goal.id}")
        form.owner_id.choices = owners
        action_forms[goal.id] = form
        for action in goal.actions:
            progress_forms[action.id] = posted.get(("progress", action.id)) or ProgressForm(
                formdata=None, prefix=f"p{action.id}", obj=action)
    return dict(site=site, access=access, year=year, plan=plan, on=today(),
                rows=workplan.at_a_glance(plan), totals=workplan.progress_totals(plan),
                plan_form=posted.get("plan") or _plan_form(site, year, blank=True),
                goal_form=goal_form, action_forms=action_forms, progress_forms=progress_forms)


def _save_plan(site, access, year, form, action, success: str, key):
    return save_on_page(form, action, success, _to_plan(site, year), "governance/workplan.html",
                        _plan_context(site, access, year, {key: form}))


@bp.route(W + "/")
@site_view(ANY_ROLE)
def work_plan_now(site, access):
    return redirect(_to_plan(site, today().year))


@bp.route(W + "/<int:year>")
@site_view(ANY_ROLE)
def work_plan(site, access, year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    return render_template("governance/workplan.html", **_plan_context(site, access, year))


def _plan_or_404(site, year: int):
    plan = workplan.plan_for(db.session, site.id, year)
    if plan is None:
        abort(404)
    return plan


@bp.route(W + "/<int:year>", methods=["POST"])
@site_view(MANAGE)
def create_plan(site, access, year: int):
    form = _plan_form(site, year)
    return _save_plan(site, access, year, form, lambda: workplan.create_plan(
        db.session, site, year=year, decision_id=form.decision_id.data,
        actor_id=current_user.id), _("Het werkplan %(year)s is aangemaakt.", year=year), "plan")


@bp.route(W + "/<int:year>/doelen", methods=["POST"])
@site_view(MANAGE)
def add_goal(site, access, year: int):
    plan = _plan_or_404(site, year)
    form = GoalForm()
    form.ingredient.choices = [(i.value, label(i.value)) for i in Ingredient]
    return _save_plan(site, access, year, form, lambda: workplan.add_goal(
        db.session, plan, ingredient=form.ingredient.data, text=form.text.data,
        actor_id=current_user.id), _("Het doel is toegevoegd."), "goal")


@bp.route(W + "/<int:year>/doelen/<int:goal_id>/acties", methods=["POST"])
@site_view(MANAGE)
def add_plan_action(site, access, year: int, goal_id: int):
    plan = _plan_or_404(site, year)
    goal = db.session.get(WorkPlanGoal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        abort(404)
    form = WorkActionForm(prefix=f"g{goal.id}")
    form.owner_id.choices = _owner_choices(site)
    return _save_plan(site, access, year, form, lambda: workplan.add_action(
        db.session, goal, text=form.text.data, owner_id=form.owner_id.data,
        due_on=form.due_on.data, now=utcnow(), actor_id=current_user.id),
        _("De actie is toegevoegd."), ("action", goal.id))


@bp.route(W + "/<int:year>/acties/<int:action_id>/voortgang", methods=["POST"])
@site_view(ANY_ROLE)
def plan_progress(site, access, year: int, action_id: int):
    plan = _plan_or_404(site, year)
    action = db.session.get(WorkPlanAction, action_id)
    if action is None or action.goal.plan_id != plan.id:
        abort(404)
    if not (access.can_manage_bodies or action.owner_id == current_user.id):
        abort(403)
    form = ProgressForm(prefix=f"p{action.id}")
    return _save_plan(site, access, year, form, lambda: workplan.set_progress(
        db.session, action, progress=form.progress.data, note=form.note.data, now=utcnow(),
        actor_id=current_user.id), _("De voortgang is bijgewerkt."), ("progress", action.id))


# --- agreements ---------------------------------------------------------------------

def _party_form(agreement_id: int, blank: bool = False) -> PartyForm:
    form = (PartyForm(formdata=None, prefix=f"a{agreement_id}") if blank
            else PartyForm(prefix=f"a{agreement_id}"))
    form.organisation_id.choices = [("", _("— kies —"))] + [
        (str(o.id), o.name) for o in organisations(db.session, active_only=True)]
    return form


def _agreements_context(site, access, posted: dict | None = None) -> dict:
    posted = posted or {}
    found = agreements.agreements_of_site(db.session, site.id)
    return dict(site=site, access=access, on=today(), agreements=[
        (a, agreements.totals(a), agreements.term_signal(a.starts_on, a.ends_on),
         agreements.temporary_money(a)) for a in found],
        party_forms={a.id: posted.get(a.id) or _party_form(a.id, blank=True) for a in found})


@bp.route(A + "/")
@site_view(AGREEMENTS)
def agreements_page(site, access):
    return render_template("governance/agreements.html", **_agreements_context(site, access))


@bp.route(A + "/nieuw", methods=["GET", "POST"])
@site_view(MANAGE)
def new_agreement(site, access):
    form = AgreementForm()
    form.body_id.choices = [("", _("— kies —"))] + [
        (str(b.id), b.name) for b in bodies.bodies_of_site(db.session, site.id)]

    def create():
        body = bodies.body_on_site(db.session, site.id, form.body_id.data)
        if body is None:
            abort(400)
        return agreements.create_agreement(db.session, body, agreements.AgreementData(
            form.kind.data, form.title.data, form.starts_on.data, form.ends_on.data,
            form.note.data), actor_id=current_user.id)

    return save_or_render(
        form, create, success=lambda a: _("De overeenkomst is vastgelegd; voeg de partijen "
                                           "toe."),
        next_url=lambda a: url_for("governance.agreements_page", site_id=site.id),
        template="governance/agreement_form.html", site=site)


@bp.route(A + "/<int:agreement_id>/partijen", methods=["POST"])
@site_view(MANAGE)
def add_party(site, access, agreement_id: int):
    agreement = db.session.get(CollaborationAgreement, agreement_id)
    if agreement is None or site.id not in {s.id for s in agreement.body.sites}:
        abort(404)
    form = _party_form(agreement.id)
    return save_or_render(
        form, lambda: agreements.add_party(
            db.session, agreement, organisation_id=form.organisation_id.data,
            contribution=form.contribution.data, money_per_year=form.money_per_year.data,
            hours_per_year=form.hours_per_year.data, until_on=form.until_on.data,
            actor_id=current_user.id),
        success=lambda p: _("%(name)s is toegevoegd als partij.", name=p.organisation.name),
        next_url=lambda p: url_for("governance.agreements_page", site_id=site.id),
        template="governance/agreements.html",
        **_agreements_context(site, access, {agreement.id: form}))
