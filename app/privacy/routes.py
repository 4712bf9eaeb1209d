"""AVG duties on the pages: export of one person's data (resident, candidate, user) as a
ZIP of JSON, and the site's retention periods with a dry run of what is due."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import DataRequired, NumberRange

from app.access import admin_required, site_view
from app.clock import today
from app.forms import save_or_render
from app.imo.routes import candidate_or_404
from models import User, db, utcnow
from services.errors import NotFound
from services.privacy import export as export_service
from services.privacy import retention, traces
from services.registry import residents as resident_service

bp = Blueprint("privacy", __name__)

EXPORT = lambda access: access.can_export_personal_data  # noqa: E731
RETENTION = lambda access: access.can_manage_retention  # noqa: E731


class ConfirmForm(FlaskForm):
    pass


class RetentionForm(FlaskForm):
    resident_months = IntegerField(
        _l("Bewaartermijn na vertrek (maanden)"), validators=[
            DataRequired(message=_l("Vul een aantal maanden in.")),
            NumberRange(min=1, max=retention.MAX_MONTHS,
                        message=_l("Een bewaartermijn ligt tussen 1 en 240 maanden."))])
    candidate_months = IntegerField(
        _l("Bewaartermijn na afsluiten kandidaatdossier (maanden)"), validators=[
            DataRequired(message=_l("Vul een aantal maanden in.")),
            NumberRange(min=1, max=retention.MAX_MONTHS,
                        message=_l("Een bewaartermijn ligt tussen 1 en 240 maanden."))])


def _zip(kind: str, record, site_id: int | None, name: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    data = export_service.export(db.session, kind, record, actor_id=current_user.id,
                                 site_id=site_id, now=utcnow())
    db.session.commit()
    filename = f"{name}-{record.id}-{today().isoformat()}.zip"
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store"})


@bp.route("/locaties/<int:site_id>/bewoners/<int:resident_id>/export", methods=["POST"])
@site_view(EXPORT)
def export_resident(site, access, resident_id: int):
    try:
        resident = resident_service.get_resident(db.session, site.id, resident_id)
    except NotFound:
        abort(404)
    return _zip("resident", resident, site.id, "bewoner")


@bp.route("/locaties/<int:site_id>/imo/kandidaten/<int:candidate_id>/export", methods=["POST"])
@site_view(EXPORT)
def export_candidate(site, access, candidate_id: int):
    return _zip("candidate", candidate_or_404(site, candidate_id), site.id, "kandidaat")


@bp.route("/beheer/gebruikers/<int:user_id>/export", methods=["POST"])
@admin_required
def export_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return _zip("user", user, None, "gebruiker")


@bp.route("/locaties/<int:site_id>/privacy", methods=["GET", "POST"])
@site_view(RETENTION)
def report(site, access):
    """The retention periods and, as a dry run, who would be anonymised tonight."""
    periods = retention.periods_for(db.session, site.id)
    form = RetentionForm()
    if request.method == "GET":
        form.resident_months.data = periods.resident_months
        form.candidate_months.data = periods.candidate_months
    return save_or_render(
        form, lambda: retention.save_periods(
            db.session, site.id, resident_months=form.resident_months.data,
            candidate_months=form.candidate_months.data, actor_id=current_user.id,
            now=utcnow()),
        success=lambda _result: _("De bewaartermijnen zijn opgeslagen."),
        next_url=lambda _result: request.path, template="privacy/report.html", site=site,
        access=access, periods=periods, due=retention.due_on_site(db.session, site.id, today()),
        defaults=(retention.DEFAULT_RESIDENT_MONTHS, retention.DEFAULT_CANDIDATE_MONTHS),
        labels=traces.LABELS)
