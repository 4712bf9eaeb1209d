"""Signals per site (with filters and history), acting on them, and the job-run log."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.access import ANY_ROLE, admin_required, site_view
from app.forms import blank_to_none
from models import JobRun, Signal, db, utcnow
from services.errors import RuleViolation
from services.monitoring import installation
from services.monitoring import mail as mail_service
from services.monitoring import signals as signal_service

bp = Blueprint("monitoring", __name__)

STATES = {"open": ("open", "acknowledged"), "all": ("open", "acknowledged", "resolved"),
          "resolved": ("resolved",)}


class NoteForm(FlaskForm):
    note = StringField(filters=[blank_to_none], validators=[Optional(), Length(max=500)])


@bp.route("/locaties/<int:site_id>/signalen")
@site_view(ANY_ROLE)
def signals(site, access):
    state = request.args.get("toon", "open")
    severity = request.args.get("ernst") or None
    rule = request.args.get("regel") or None
    found = signal_service.site_signals(
        db.session, access, states=STATES.get(state, STATES["open"]),
        severity=severity if severity in signal_service.SEVERITY_ORDER else None,
        rule=rule[:40] if rule else None)
    actable = {s.id for s in found if signal_service.may_act(access, s.audience)}
    return render_template("monitoring/signals.html", site=site, access=access,
                           signals=found, actable=actable, state=state, severity=severity,
                           rule=rule, form=NoteForm(formdata=None))


def _act(site, access, signal_id: int, action, success: str):
    signal = db.session.get(Signal, signal_id)
    if signal is None or signal.site_id != site.id or \
            not signal_service.visible(access, signal.audience):
        abort(404)
    if not signal_service.may_act(access, signal.audience):
        abort(403)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            action(signal, form.note.data)
            db.session.commit()
            flash(success, "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    else:
        flash(_("De notitie is te lang (maximaal 500 tekens)."), "error")
    return redirect(url_for("monitoring.signals", site_id=site.id))


@bp.route("/locaties/<int:site_id>/signalen/<int:signal_id>/oppakken", methods=["POST"])
@site_view(ANY_ROLE)
def acknowledge(site, access, signal_id: int):
    return _act(site, access, signal_id, lambda s, note: signal_service.acknowledge(
        db.session, s, note=note, actor_id=current_user.id, now=utcnow()),
        _("Het signaal is opgepakt."))


@bp.route("/locaties/<int:site_id>/signalen/<int:signal_id>/oplossen", methods=["POST"])
@site_view(ANY_ROLE)
def resolve(site, access, signal_id: int):
    return _act(site, access, signal_id, lambda s, note: signal_service.resolve(
        db.session, s, note=note, actor_id=current_user.id, now=utcnow()),
        _("Het signaal is opgelost."))


@bp.route("/beheer/taken")
@admin_required
def job_runs():
    page = db.paginate(sa.select(JobRun).order_by(JobRun.id.desc()), per_page=50,
                       error_out=False)
    failed_total, failed_mails = mail_service.failed(db.session)
    return render_template("monitoring/job_runs.html", page=page, failed_total=failed_total,
                           failed_mails=failed_mails, max_attempts=mail_service.MAX_ATTEMPTS,
                           last_beat=installation.latest_beat(db.session),
                           installation_signals=installation.open_signals(db.session))


@bp.route("/beheer/taken/signalen/<int:signal_id>/oplossen", methods=["POST"])
@admin_required
def resolve_installation_signal(signal_id: int):
    """Resolve a signal about the installation (the scheduler, the outbox) by hand."""
    signal = db.session.get(Signal, signal_id)
    if signal is None or signal.site_id is not None:
        abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            signal_service.resolve(db.session, signal, note=form.note.data,
                                   actor_id=current_user.id, now=utcnow())
            db.session.commit()
            flash(_("Het signaal is opgelost."), "success")
        except RuleViolation as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
    else:
        flash(_("De notitie is te lang (maximaal 500 tekens)."), "error")
    return redirect(url_for("monitoring.job_runs") + "#h-installatie")


@bp.route("/beheer/taken/e-mails/opnieuw", methods=["POST"], defaults={"mail_id": None})
@bp.route("/beheer/taken/e-mails/<int:mail_id>/opnieuw", methods=["POST"])
@admin_required
def retry_mail(mail_id: int | None):
    """Queue failed e-mails again (one, or all): the outbox job sends them within minutes.
    (CSRFProtect checks the token of this form-less post.)"""
    count = mail_service.retry(db.session, mail_id, actor_id=current_user.id)
    db.session.commit()
    if count:
        flash(ngettext("%(num)d e-mail staat weer klaar om verstuurd te worden.",
                       "%(num)d e-mails staan weer klaar om verstuurd te worden.", count),
              "success")
    else:
        flash(_("Deze e-mail is al verstuurd of staat al klaar."), "info")
    return redirect(url_for("monitoring.job_runs") + "#mislukte-e-mails")
