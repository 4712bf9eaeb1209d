"""A body's meeting: plan or move it, the meeting page with its agenda, attendance,
minutes, decisions, action items, escalations, locking and addenda; print view, PDF and
the .ics invitation. The editable meeting page is one form whose buttons each post it to
their own route: the minutes typed anywhere on the page are saved first (see
app.meeting_page), then the button's own form, all or nothing; on an error the page comes
back with the message next to the field (status 422)."""
from __future__ import annotations

from datetime import time, timedelta

from flask import abort, current_app, flash, make_response, redirect, render_template, \
    request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from app.notify import after, context
from services.notify import events
from app.clock import today
from app.forms import save_or_render, show_violation
from app.meeting_page import fingerprint, posted_minutes
from app.governance.forms import (ActionForm, DecisionForm, EditMeetingForm, EscalateForm,
                                  ItemForm, MeetingForm, OutcomeForm, PostForm, TextForm)
from app.governance.routes import S, body_view, bp
from app.filters import label
from models import BodyKind, Meeting, MeetingItem, db, utcnow
from services.errors import RuleViolation
from services.governance import actions, agenda, alv, decisions, escalation, ics, meetings
from services.governance.bodies import member_choices
from services.governance.localtime import AMSTERDAM, local_instant
from services.governance.schedule import meetings_of_body

M = S + "/<int:body_id>/vergaderingen"
MINUTES_MAX = 20000
#: prefixes keep the field ids of the forms on the meeting page apart
ITEM, DECISION, ACTION, ADDENDUM = "punt", "besluit", "actie", "addendum"

bp.add_app_template_global(fingerprint, "minutes_fingerprint")


def meeting_or_404(body, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.body_id != body.id:
        abort(404)
    return meeting


def item_or_404(meeting, item_id: int) -> MeetingItem:
    item = db.session.get(MeetingItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404)
    return item


def to_meeting(site, meeting) -> str:
    return url_for("governance.meeting", site_id=site.id, body_id=meeting.body_id,
                   meeting_id=meeting.id)


def _starts_at(form: MeetingForm):
    return local_instant(form.starts_on.data, form.starts_time.data)


@bp.route(M + "/nieuw", methods=["GET", "POST"])
@body_view("runs")
def new_meeting(site, access, body, rights):
    form = MeetingForm()
    if request.method == "GET":
        last = next(iter(meetings_of_body(db.session, body.id)), None)
        form.starts_on.data = today() + timedelta(days=14)
        form.starts_time.data = time(19, 30)
        form.place.data = last.place if last else None
    return save_or_render(
        form, lambda: after(meetings.create_meeting(
            db.session, body, starts_at=_starts_at(form),
            duration_minutes=form.duration_minutes.data, place=form.place.data, today=today(),
            actor_id=current_user.id),
            lambda m, ctx: events.meeting_planned(db.session, m, ctx)),
        success=lambda m: _("De vergadering is gepland; openstaande punten staan op de "
                            "agenda."),
        next_url=lambda m: to_meeting(site, m), template="governance/meeting_form.html",
        site=site, body=body, meeting=None)


@bp.route(M + "/<int:meeting_id>/bewerken", methods=["GET", "POST"])
@body_view("runs")
def edit_meeting(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    form = EditMeetingForm(obj=meeting)
    if request.method == "GET":
        local = meeting.starts_at.astimezone(AMSTERDAM)
        form.starts_on.data, form.starts_time.data = local.date(), local.time()
    return save_or_render(
        form, lambda: after(meetings.update_meeting(
            db.session, meeting, starts_at=_starts_at(form),
            duration_minutes=form.duration_minutes.data, place=form.place.data,
            status=form.status.data, actor_id=current_user.id),
            lambda m, ctx: events.meeting_planned(db.session, m, ctx)),
        success=lambda m: _("De vergadering is gewijzigd."),
        next_url=lambda m: to_meeting(site, m), template="governance/meeting_form.html",
        site=site, body=body, meeting=meeting)


def _forms(view: agenda.MeetingView, posted: dict) -> dict:
    """The forms of the meeting page: blank, except the one just posted."""
    def blank(key, cls, **kwargs):
        return posted.get(key) or cls(formdata=None, **kwargs)

    forms = {"item_form": blank("item_form", ItemForm, prefix=ITEM),
             "decision_form": blank("decision_form", DecisionForm, prefix=DECISION),
             "action_form": blank("action_form", ActionForm, prefix=ACTION),
             "addendum_form": blank("addendum_form", TextForm, prefix=ADDENDUM),
             "post_form": blank("post_form", PostForm)}
    _choices(view, forms["decision_form"], forms["action_form"])
    if forms["action_form"].due_on.data is None:
        forms["action_form"].due_on.data = view.day + timedelta(days=28)
    forms["escalate_forms"] = {
        iv.item.id: blank(("escalate", iv.item.id), EscalateForm, prefix=f"e{iv.item.id}")
        for iv in view.items if view.escalates_to and iv.escalated_to is None
        and not iv.item.handled}
    forms["outcome_forms"] = {
        iv.item.id: blank(("outcome", iv.item.id), OutcomeForm, prefix=f"o{iv.item.id}")
        for iv in view.items if iv.awaits_outcome}
    return forms


def _choices(view: agenda.MeetingView, decision_form: DecisionForm,
             action_form: ActionForm) -> None:
    decision_form.item_id.choices = [("", _("— geen —"))] + [
        (str(iv.item.id), f"{iv.item.position}. {iv.item.title}") for iv in view.items]
    action_form.owner_id.choices = [("", _("— kies —"))] + [
        (str(i), n) for i, n in member_choices(view.meeting.body, view.day)]
    action_form.decision_id.choices = [("", _("— geen —"))] + [
        (str(d.id), d.code) for d in view.decisions]


def _context(site, access, body, rights, meeting, posted: dict | None = None,
             drafts: dict | None = None) -> dict:
    """Everything the meeting page shows; ``posted`` holds the form that was sent (by
    its key in :func:`_forms`), ``drafts`` the minutes as typed when they were refused."""
    view = agenda.build(db.session, meeting)
    forms = _forms(view, posted or {})
    hidden = _not_shown(forms, posted or {}, editable=rights.runs and view.editable,
                        addenda=rights.runs and meeting.locked_at is not None)
    return dict(site=site, access=access, body=body, rights=rights, meeting=meeting,
                view=view, on=today(), drafts=drafts, hidden_forms=hidden, **forms)


def _not_shown(forms: dict, posted: dict, *, editable: bool, addenda: bool) -> list:
    """The posted form if the page no longer shows it (the meeting was locked, the item
    escalated meanwhile): its messages go above the page, so no refusal is silent."""
    shown = {"post_form"} | ({"addendum_form"} if addenda else set())
    if editable:
        shown |= {"item_form", "decision_form", "action_form"} | \
            {("escalate", i) for i in forms["escalate_forms"]} | \
            {("outcome", i) for i in forms["outcome_forms"]}
    return [form for key, form in posted.items() if key not in shown]


@bp.route(M + "/<int:meeting_id>")
@body_view()
def meeting(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    return render_template("governance/meeting.html",
                           **_context(site, access, body, rights, meeting))


def _drafts(posted) -> dict:
    """The minutes and handled marks as posted, for the page shown again."""
    return {"texts": posted.posted, "handled": posted.handled}


def _save(site, access, body, rights, meeting, form, action, success, key, anchor="",
          legacy: bool = False):
    """Run one button of the meeting page (its form's key in :func:`_forms`): save the
    minutes typed anywhere on the page (app.meeting_page) together with the form itself,
    all or nothing, and go back to ``anchor`` (a fragment, or a function of the action's
    result giving it). On a refusal nothing is saved and the page comes back with the
    message and with the minutes as typed."""
    posted = posted_minutes(request.form, meeting.items, max_length=MINUTES_MAX,
                            legacy=legacy, with_handled=True)
    target = form if key == "post_form" else PostForm(formdata=None)  # the top message
    if posted.too_long:
        item = next(i for i in meeting.items if i.id == posted.too_long[0])
        target.form_errors.append(_("Het verslag bij '%(title)s' is langer dan %(max)s tekens.",
                                    title=item.title, max=MINUTES_MAX))
    elif form.validate_on_submit():
        try:
            if posted.changed:
                handled = {i.id for i in meeting.items
                           if posted.handled.get(i.id, bool(i.handled))}
                meetings.save_minutes(db.session, meeting, posted.texts, handled,
                                      actor_id=current_user.id)
            result = action() if action is not None else None
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            if action is None:
                flash(_("Het verslag is opgeslagen."), "success")
            else:
                flash(success(result) if callable(success) else success, "success")
                if posted.changed:
                    flash(_("Het verslag is ook opgeslagen."), "success")
            return redirect(to_meeting(site, meeting)
                            + (anchor(result) if callable(anchor) else anchor))
    return render_template("governance/meeting.html", **_context(
        site, access, body, rights, meeting, {key: form, "post_form": target},
        _drafts(posted))), 422


def _point_anchor() -> str:
    """The agenda item whose own save button was pressed (``#punt-6``)."""
    point = request.form.get("punt", "")
    return f"#punt-{point}" if point.isdigit() and len(point) < 4 else ""


@bp.route(M + "/<int:meeting_id>/aanwezigheid", methods=["POST"])
@body_view("runs")
def attendance(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    presence = {i.id: request.form.get(f"presence-{i.id}", i.presence or "")
                for i in meeting.invitations}
    return _save(site, access, body, rights, meeting, PostForm(),
                 lambda: meetings.record_attendance(db.session, meeting, presence,
                                                    actor_id=current_user.id),
                 _("De aanwezigheid is opgeslagen."), "post_form", "#aanwezigheid")


@bp.route(M + "/<int:meeting_id>/verslag", methods=["POST"])
@body_view("runs")
def minutes(site, access, body, rights, meeting_id: int):
    """Save the minutes as typed, back to the item whose button was pressed."""
    meeting = meeting_or_404(body, meeting_id)
    return _save(site, access, body, rights, meeting, PostForm(), None, None, "post_form",
                 _point_anchor(), legacy=True)


@bp.route(M + "/<int:meeting_id>/punt", methods=["POST"])
@body_view("runs")
def add_item(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    form = ItemForm(prefix=ITEM)
    return _save(site, access, body, rights, meeting, form,
                 lambda: meetings.add_item(db.session, meeting, form.title.data,
                                           actor_id=current_user.id),
                 _("Het agendapunt is toegevoegd."), "item_form",
                 lambda item: f"#punt-{item.position}")


@bp.route(M + "/<int:meeting_id>/besluit", methods=["POST"])
@body_view("runs")
def add_decision(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    form = DecisionForm(prefix=DECISION)
    _choices(agenda.build(db.session, meeting), form, ActionForm(formdata=None, prefix=ACTION))
    return _save(site, access, body, rights, meeting, form,
                 lambda: decisions.record_decision(db.session, body, text=form.text.data,
                                                   meeting=meeting, item_id=form.item_id.data,
                                                   actor_id=current_user.id),
                 _("Het besluit is vastgelegd."), "decision_form", "#besluiten")


@bp.route(M + "/<int:meeting_id>/actiepunt", methods=["POST"])
@body_view("runs")
def add_action(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    form = ActionForm(prefix=ACTION)
    _choices(agenda.build(db.session, meeting), DecisionForm(formdata=None, prefix=DECISION),
             form)
    return _save(site, access, body, rights, meeting, form,
                 lambda: after(actions.create_action(
                     db.session, meeting, text=form.text.data, owner_id=form.owner_id.data,
                     due_on=form.due_on.data, decision_id=form.decision_id.data,
                     actor_id=current_user.id),
                     lambda a, ctx: events.action_assigned(db.session, a, ctx)),
                 _("Het actiepunt is vastgelegd."), "action_form", "#actiepunten")


@bp.route(M + "/<int:meeting_id>/punten/<int:item_id>/escaleren", methods=["POST"])
@body_view("runs")
def escalate(site, access, body, rights, meeting_id: int, item_id: int):
    meeting = meeting_or_404(body, meeting_id)
    item = item_or_404(meeting, item_id)
    form = EscalateForm(prefix=f"e{item.id}")
    return _save(site, access, body, rights, meeting, form,
                 lambda: escalation.escalate(db.session, item, reason=form.reason.data,
                                             today=today(), actor_id=current_user.id),
                 lambda e: _("'%(title)s' is geëscaleerd naar de %(body)s; het komt op de "
                             "eerstvolgende agenda.", title=e.title, body=label(e.to_body.kind)),
                 ("escalate", item.id), f"#punt-{item.position}")


@bp.route(M + "/<int:meeting_id>/punten/<int:item_id>/uitkomst", methods=["POST"])
@body_view("runs")
def outcome(site, access, body, rights, meeting_id: int, item_id: int):
    meeting = meeting_or_404(body, meeting_id)
    item = item_or_404(meeting, item_id)
    form = OutcomeForm(prefix=f"o{item.id}")
    return _save(site, access, body, rights, meeting, form,
                 lambda: escalation.record_outcome(db.session, item, outcome=form.outcome.data,
                                                   today=today(), actor_id=current_user.id),
                 _("De uitkomst is vastgelegd en gaat terug naar het lagere overleg."),
                 ("outcome", item.id), f"#punt-{item.position}")


@bp.route(M + "/<int:meeting_id>/verslag-rondsturen", methods=["POST"])
@body_view("runs")
def minutes_ready(site, access, body, rights, meeting_id: int):
    """Tell the members that the minutes are ready to be approved (once per meeting)."""
    meeting = meeting_or_404(body, meeting_id)
    return _save(site, access, body, rights, meeting, PostForm(),
                 lambda: events.minutes_ready(db.session, meeting, context()),
                 lambda told: ngettext("%(num)d lid krijgt bericht dat het verslag klaar is.",
                                       "%(num)d leden krijgen bericht dat het verslag klaar "
                                       "is.", told),
                 "post_form")


@bp.route(M + "/<int:meeting_id>/vaststellen", methods=["POST"])
@body_view("runs")
def lock(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    return _save(site, access, body, rights, meeting, PostForm(),
                 lambda: meetings.lock_minutes(db.session, meeting, now=utcnow(),
                                               today=today(), actor_id=current_user.id),
                 _("Het verslag is vastgesteld en kan niet meer worden gewijzigd."),
                 "post_form")


@bp.route(M + "/<int:meeting_id>/addendum", methods=["POST"])
@body_view("runs")
def addendum(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    form = TextForm(prefix=ADDENDUM)
    return _save(site, access, body, rights, meeting, form,
                 lambda: meetings.add_addendum(db.session, meeting, form.text.data,
                                               actor_id=current_user.id),
                 _("Het addendum is toegevoegd."), "addendum_form")


def _print_context(site, access, body, rights, meeting) -> dict:
    return dict(site=site, access=access, body=body, meeting=meeting,
                view=agenda.build(db.session, meeting), **_alv_print(meeting))


def _alv_print(meeting) -> dict:
    if meeting.body.kind != BodyKind.ALV:
        return {}
    return {"alv_summary": meeting.snapshot.get("alv") if meeting.snapshot else alv.summary(
        alv.attendance_list(db.session, meeting.id)),
        "motions": alv.motions_of(db.session, meeting.id)}


@bp.route(M + "/<int:meeting_id>/afdruk")
@body_view()
def print_view(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    return render_template("governance/print.html",
                           **_print_context(site, access, body, rights, meeting))


def _file_name(body, meeting, extension: str) -> str:
    day = meeting.starts_at.astimezone(AMSTERDAM).date().isoformat()
    return f"{body.code.lower()}-{day}.{extension}"


@bp.route(M + "/<int:meeting_id>/pdf")
@body_view()
def pdf(site, access, body, rights, meeting_id: int):
    from app.pdf import render_pdf

    meeting = meeting_or_404(body, meeting_id)
    html = render_template("governance/print.html", pdf=True,
                           **_print_context(site, access, body, rights, meeting))
    document = render_pdf(html, base_url=request.url_root)
    name = _file_name(body, meeting, "pdf")
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    current_app.logger.info("Governance PDF %s rendered (%d bytes)", name, len(document))
    return response


@bp.route(M + "/<int:meeting_id>/uitnodiging.ics")
@body_view()
def invitation(site, access, body, rights, meeting_id: int):
    meeting = meeting_or_404(body, meeting_id)
    agenda_lines = "\n".join(f"{i.position}. {i.title}" for i in meeting.items)
    description = _("Agenda:") + "\n" + (agenda_lines or _("(nog geen agendapunten)")) + \
        "\n\n" + url_for("governance.meeting", site_id=site.id, body_id=body.id,
                         meeting_id=meeting.id, _external=True)
    data = ics.meeting_ics(meeting, summary=f"{body.name} ({site.name})",
                           description=description, now=utcnow())
    response = make_response(data)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{_file_name(body, meeting, "ics")}"'
    return response
