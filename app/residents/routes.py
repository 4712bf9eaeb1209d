"""The resident registry: list and search, move in, edit, status change, move out."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import LIST_RESIDENTS, MANAGE_REGISTRY, site_view
from app.clock import today
from app.forms import save_or_render
from app.residents.forms import MoveInForm, MoveOutForm, PersonForm, StatusForm
from models import OrgKind, Role, SupportStatus, db
from services.association import members as association_members
from services import audit
from services.errors import NotFound
from services.registry import residents as resident_service
from services.registry.residents import PersonalData, SupportData
from services.registry.sites import organisations

bp = Blueprint("residents", __name__, url_prefix="/locaties/<int:site_id>/bewoners")


def _resident_or_404(site, resident_id: int):
    try:
        return resident_service.get_resident(db.session, site.id, resident_id)
    except NotFound:
        abort(404)


def _care_choices() -> list[tuple[str, str]]:
    orgs = organisations(db.session, kind=OrgKind.ZORGAANBIEDER, active_only=True)
    return [("", _("— geen —"))] + [(str(o.id), o.name) for o in orgs]


def _person(form) -> PersonalData:
    return PersonalData(**{name: form[name].data for name in PersonalData.__dataclass_fields__})


def _support(form) -> SupportData:
    begeleid = form.status.data == SupportStatus.BEGELEID
    return SupportData(status=form.status.data,
                       care_organisation_id=form.care_organisation_id.data if begeleid else None,
                       indicated_hours=form.indicated_hours.data if begeleid else None)


def _to_resident(site):
    return lambda resident: url_for("residents.show", site_id=site.id, resident_id=resident.id)


@bp.route("/")
@site_view(LIST_RESIDENTS)
def index(site, access):
    status = request.args.get("status")
    filters = {
        "query": request.args.get("q", "")[:100],
        "part_id": request.args.get("deel", type=int),
        "status": status if status in set(SupportStatus) and access.has(
            Role.SOCIAAL_BEHEERDER, Role.BEGELEIDER) else None,
        "moved_out": request.args.get("vertrokken") == "1",
    }
    rows = resident_service.find_residents(db.session, access, today=today(), **filters)
    shown = [r.id for r in rows if r.care_visible]
    if shown:  # reads of individual care data are logged like changes
        audit.record(db.session, actor_id=current_user.id, entity_type="site",
                     entity_id=site.id, action="view_care", site_id=site.id,
                     changes={"resident_ids": shown})
        db.session.commit()
    return render_template("residents/index.html", site=site, access=access, rows=rows,
                           **filters)


@bp.route("/nieuw", methods=["GET", "POST"])
@site_view(MANAGE_REGISTRY)
def new(site, access):
    form = MoveInForm()
    units = resident_service.vacant_units(db.session, site.id,
                                          form.move_in_date.data or today())
    form.unit_id.choices = [("", _("— kies een vrije eenheid —"))] + [
        (str(u.id), f"{u.number} ({u.part.name if u.part else '-'}, {u.unit_type}"
                    f"{', ' + _('gedeeld') if u.shared else ''})") for u in units]
    form.care_organisation_id.choices = _care_choices()
    if request.method == "GET":
        form.move_in_date.data = today()
        form.unit_id.data = request.args.get("eenheid", type=int)
    return save_or_render(
        form, lambda: resident_service.add_resident(
            db.session, site_id=site.id, unit_id=form.unit_id.data,
            move_in=form.move_in_date.data, person=_person(form), support=_support(form),
            actor_id=current_user.id, today=today()),
        success=lambda r: _("%(name)s is ingeschreven.", name=r.name),
        next_url=_to_resident(site), template="residents/new.html", site=site,
        shared_offered=any(u.shared for u in units))


@bp.route("/<int:resident_id>")
@site_view(LIST_RESIDENTS)
def show(site, access, resident_id: int):
    resident = _resident_or_404(site, resident_id)
    on = today()
    moves_in_later = resident.move_in_date > on
    if moves_in_later:  # not living here yet: the status recorded for the move-in day
        on = resident.move_in_date
    elif resident.move_out_date is not None and resident.move_out_date <= on:
        on = resident.move_out_date
    status = resident_service.current_status(resident, on)
    care_visible = access.sees_care_of(status.care_organisation_id if status else None)
    history = [p for p in resident.support_periods
               if access.sees_care_of(p.care_organisation_id)] if care_visible else []
    if care_visible:  # reads of individual care data are logged like changes
        audit.record(db.session, actor_id=current_user.id, entity_type="resident",
                     entity_id=resident.id, action="view_care", site_id=site.id)
        db.session.commit()
    return render_template("residents/show.html", site=site, access=access,
                           resident=resident, status=status if care_visible else None,
                           care_visible=care_visible, history=history,
                           moves_in_later=moves_in_later)


@bp.route("/<int:resident_id>/bewerken", methods=["GET", "POST"])
@site_view(MANAGE_REGISTRY)
def edit(site, access, resident_id: int):
    resident = _resident_or_404(site, resident_id)
    form = PersonForm(obj=resident)

    def save():
        resident_service.update_resident(db.session, resident, _person(form),
                                         actor_id=current_user.id, today=today())
        return resident

    return save_or_render(
        form, save, success=lambda r: _("De gegevens zijn opgeslagen."),
        next_url=_to_resident(site), template="residents/edit.html", site=site,
        resident=resident)


@bp.route("/<int:resident_id>/status", methods=["GET", "POST"])
@site_view(MANAGE_REGISTRY)
def change_status(site, access, resident_id: int):
    resident = _resident_or_404(site, resident_id)
    form = StatusForm()
    form.care_organisation_id.choices = _care_choices()
    if request.method == "GET":
        form.valid_from.data = today()

    def record():
        resident_service.record_status_change(
            db.session, resident, valid_from=form.valid_from.data, support=_support(form),
            note=form.note.data, actor_id=current_user.id)
        return resident

    return save_or_render(
        form, record, success=lambda r: _("De statuswijziging is vastgelegd."),
        next_url=_to_resident(site), template="residents/status.html", site=site,
        resident=resident)


@bp.route("/<int:resident_id>/vertrek", methods=["GET", "POST"])
@site_view(MANAGE_REGISTRY)
def move_out(site, access, resident_id: int):
    resident = _resident_or_404(site, resident_id)
    form = MoveOutForm()
    if request.method == "GET":
        form.move_out_date.data = today()

    def record():
        resident_service.record_move_out(
            db.session, resident, move_out=form.move_out_date.data,
            reason=form.move_out_reason.data, actor_id=current_user.id)
        association_members.end_on_move_out(db.session, resident, actor_id=current_user.id)
        return resident

    return save_or_render(
        form, record,
        success=lambda r: _("Het vertrek van %(name)s is vastgelegd; de eenheid komt vrij.",
                            name=r.name),
        next_url=lambda r: url_for("residents.index", site_id=site.id),
        template="residents/move_out.html", site=site, resident=resident)
