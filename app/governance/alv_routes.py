"""The ALV page of an ALV meeting: the attendance list of member households with proxies,
the motions and their votes (each result goes into the ALV's decision log)."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.governance.forms import MotionForm, PostForm, VoteForm
from app.governance.meeting_routes import M, meeting_or_404
from app.governance.routes import body_view, bp, save_on_page
from app.sites.forms import optional_int
from models import BodyKind, Motion, db, utcnow
from services.governance import alv


def alv_meeting_or_404(body, meeting_id: int):
    if body.kind != BodyKind.ALV:
        abort(404)
    return meeting_or_404(body, meeting_id)


def _context(site, access, body, rights, meeting, posted: dict | None = None) -> dict:
    posted = posted or {}
    motions = alv.motions_of(db.session, meeting.id)
    listed = alv.attendance_list(db.session, meeting.id)
    settings = alv.settings_for(db.session, body.organisation_id)
    summary = alv.summary(listed)
    return dict(
        site=site, access=access, body=body, rights=rights, meeting=meeting, listed=listed,
        settings=settings, summary=summary, motions=motions,
        quorum_needed=alv.quorum_needed(summary["members"], settings.quorum_percent),
        attendance_form=posted.get("attendance") or PostForm(formdata=None),
        motion_form=posted.get("motion") or MotionForm(formdata=None),
        vote_forms={m.id: posted.get(("vote", m.id)) or VoteForm(formdata=None, prefix=f"v{m.id}")
                    for m in motions if m.adopted is None})


def _save(site, access, body, rights, meeting, form, action, success: str, key):
    return save_on_page(form, action, success,
                        url_for("governance.alv_page", site_id=site.id, body_id=body.id,
                                meeting_id=meeting.id),
                        "governance/alv.html",
                        _context(site, access, body, rights, meeting, {key: form}))


@bp.route(M + "/<int:meeting_id>/alv")
@body_view()
def alv_page(site, access, body, rights, meeting_id: int):
    meeting = alv_meeting_or_404(body, meeting_id)
    return render_template("governance/alv.html",
                           **_context(site, access, body, rights, meeting))


@bp.route(M + "/<int:meeting_id>/alv/aanwezigheid", methods=["POST"])
@body_view("runs")
def alv_attendance(site, access, body, rights, meeting_id: int):
    meeting = alv_meeting_or_404(body, meeting_id)
    rows = {}
    for row in alv.attendance_list(db.session, meeting.id):
        try:
            proxy = optional_int(request.form.get(f"proxy-{row.id}"))
        except ValueError:
            proxy = None
        rows[row.id] = (request.form.get(f"presence-{row.id}", row.presence), proxy)
    settings = alv.settings_for(db.session, body.organisation_id)
    return _save(site, access, body, rights, meeting, PostForm(),
                 lambda: alv.record_attendance(db.session, meeting, rows,
                                               max_proxies=settings.max_proxies,
                                               actor_id=current_user.id),
                 _("De presentielijst is opgeslagen."), "attendance")


@bp.route(M + "/<int:meeting_id>/alv/voorstellen", methods=["POST"])
@body_view("runs")
def add_motion(site, access, body, rights, meeting_id: int):
    meeting = alv_meeting_or_404(body, meeting_id)
    form = MotionForm()
    return _save(site, access, body, rights, meeting, form,
                 lambda: alv.add_motion(db.session, meeting, title=form.title.data,
                                        text=form.text.data, two_thirds=form.two_thirds.data,
                                        actor_id=current_user.id),
                 _("Het voorstel staat op de agenda."), "motion")


@bp.route(M + "/<int:meeting_id>/alv/voorstellen/<int:motion_id>/stemming", methods=["POST"])
@body_view("runs")
def vote(site, access, body, rights, meeting_id: int, motion_id: int):
    meeting = alv_meeting_or_404(body, meeting_id)
    motion = db.session.get(Motion, motion_id)
    if motion is None or motion.meeting_id != meeting.id:
        abort(404)
    form = VoteForm(prefix=f"v{motion.id}")
    return _save(site, access, body, rights, meeting, form,
                 lambda: alv.record_vote(db.session, motion, votes_for=form.votes_for.data,
                                         votes_against=form.votes_against.data,
                                         abstentions=form.abstentions.data, now=utcnow(),
                                         actor_id=current_user.id),
                 _("De stemming is vastgelegd als besluit."), ("vote", motion.id))
