"""The woonvereniging: its dashboard, members and their dues and payments, the board and
commissions, and residents' participation. The bank, reminders and contribution schemes
are in money_routes.py, the books and the ALV statement in books_routes.py; all share
this blueprint. One task per page, for volunteers on a phone."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_datetime, gettext as _
from flask_login import current_user

from app.access import site_view
from app.association.forms import (ActiveForm, CommissionForm, CommissionMemberForm,
                                   DeclineForm, EndDateForm, EndMembershipForm, KvkForm,
                                   MemberForm, MemberReductionForm, OfficeForm,
                                   ParticipationForm, PaymentForm, ReasonForm)
from app.clock import today
from app.filters import label
from app.forms import save_or_render
from app.governance.routes import save_on_page
from models import (AssociationMember, BoardOffice, Commission, CommissionMember, Due, Payment,
                    Resident, db, utcnow)
from services.association import (board, dues, members as member_service, overview,
                                  participation, payments, records)
from services.errors import NotFound

bp = Blueprint("association", __name__, url_prefix="/locaties/<int:site_id>/vereniging")

SEES = lambda access: access.sees_association  # noqa: E731
PARTICIPATION = lambda access: access.sees_participation  # noqa: E731


def association_view(view):
    """``site_view`` for the bestuur of the site's association (and admins): the view
    also gets ``association``; 404 when the site has no association."""

    @site_view(SEES)
    @wraps(view)
    def wrapper(site, access, **kwargs):
        if site.association_id is None:
            abort(404)
        return view(site=site, access=access, association=site.association, **kwargs)

    return wrapper


def found_or_404(fetch, *args):
    """A service lookup that raises NotFound, as a 404."""
    try:
        return fetch(db.session, *args)
    except NotFound:
        abort(404)


def owned_or_404(model, object_id: int | None, association):
    """The association's record of ``model`` (a member, a bank line, ...), else 404."""
    return found_or_404(records.get_owned, model, object_id, association.id)


def child_or_404(model, object_id: int, check):
    """A record that belongs to an owned one (a member's payment), else 404."""
    found = db.session.get(model, object_id)
    if found is None or not check(found):
        abort(404)
    return found


def to(endpoint: str, site, **values):
    """``next_url`` for save_or_render: back to an association page."""
    return lambda _result: url_for(f"association.{endpoint}", site_id=site.id, **values)


@bp.route("/")
@association_view
def index(site, access, association):
    return render_template("association/index.html", site=site, association=association,
                           o=overview.overview(db.session, association.id, site.id, today()))


# --- members ------------------------------------------------------------------------------

@bp.route("/leden")
@association_view
def members(site, access, association):
    on = today()
    return render_template(
        "association/members.html", site=site, association=association, on=on,
        members=member_service.members_on(db.session, association.id, on),
        balances=payments.balances(db.session, association.id),
        suggestions=member_service.suggestions(db.session, association.id, on))


def _newcomer_or_404(association, resident_id) -> Resident:
    resident = db.session.get(Resident, resident_id or 0)
    if resident is None or resident.unit.site_id not in member_service.sites_of(
            db.session, association.id):
        abort(404)
    return resident


@bp.route("/leden/nieuw", methods=["GET", "POST"])
@association_view
def add_member(site, access, association):
    resident = _newcomer_or_404(association, request.values.get("bewoner", type=int))
    form = MemberForm(prefix="lid")
    decline_form = DeclineForm(prefix="geen", formdata=None)
    if request.method == "GET":
        # a newcomer from the move-in; a household that lives here longer from this month
        # (no dues of past months are charged without the board choosing so)
        form.starts_on.data = max(resident.move_in_date, today().replace(day=1))
    return save_or_render(
        form, lambda: member_service.add_member(
            db.session, association.id, resident_id=resident.id,
            starts_on=form.starts_on.data, actor_id=current_user.id),
        success=lambda m: _("%(name)s is lid, met lidnummer %(number)s.", name=m.resident.name,
                            number=m.number),
        next_url=to("members", site), template="association/add_member.html", site=site,
        association=association, resident=resident, member_form=form,
        decline_form=decline_form)


@bp.route("/leden/geen-lid", methods=["POST"])
@association_view
def decline(site, access, association):
    resident = _newcomer_or_404(association, request.values.get("bewoner", type=int))
    form = DeclineForm(prefix="geen")
    return save_or_render(
        form, lambda: member_service.decline(
            db.session, association.id, resident_id=resident.id, note=form.note.data,
            today=today(), actor_id=current_user.id),
        success=lambda _d: _("Dit huishouden wordt niet meer voorgesteld als nieuw lid."),
        next_url=to("members", site), template="association/add_member.html", site=site,
        association=association, resident=resident, decline_form=form,
        member_form=MemberForm(prefix="lid", formdata=None))


def _member_or_404(association, member_id: int):
    return owned_or_404(AssociationMember, member_id, association)


def _member_context(site, association, member, posted: dict | None = None) -> dict:
    posted = posted or {}
    on = today()
    scheme = dues.scheme_for(db.session, association.id, on.year)
    reduction_form = posted.get("reduction") or MemberReductionForm(formdata=None)
    if scheme is not None:
        reduction_form.reduction_id.choices = [("", _("geen korting"))] + [
            (str(r.id), f"{r.name} ({r.percent:g}%)") for r in scheme.reductions]
        current = dues.member_reductions(db.session, scheme.id).get(member.id)
        if "reduction" not in posted:
            reduction_form.reduction_id.data = current.id if current else None
    end_form = posted.get("end") or EndMembershipForm(formdata=None)
    if "end" not in posted and member.resident.move_out_date:
        end_form.ends_on.data = member.resident.move_out_date
    balance = payments.member_balance(db.session, member)
    return dict(site=site, association=association, member=member, on=on, balance=balance,
                states={s.due.id: s for s in balance.states},
                dues=payments.dues_of(db.session, member.id),
                payments=payments.payments_of(db.session, member.id),
                reversed=payments.reversed_ids(db.session, member.id), scheme=scheme,
                reduction_form=reduction_form, end_form=end_form)


@bp.route("/leden/<int:member_id>")
@association_view
def member(site, access, association, member_id: int):
    found = _member_or_404(association, member_id)
    return render_template("association/member.html",
                           **_member_context(site, association, found))


@bp.route("/leden/<int:member_id>/korting", methods=["POST"])
@association_view
def member_reduction(site, access, association, member_id: int):
    found = _member_or_404(association, member_id)
    scheme = dues.scheme_for(db.session, association.id, today().year)
    if scheme is None:
        abort(404)
    form = MemberReductionForm()
    context = _member_context(site, association, found, {"reduction": form})
    return save_on_page(form, lambda: dues.set_member_reduction(
        db.session, found, scheme, reduction_id=form.reduction_id.data, actor_id=current_user.id),
        _("De korting is opgeslagen; die geldt voor de contributie die nog wordt aangemaakt."),
        url_for("association.member", site_id=site.id, member_id=found.id),
        "association/member.html", context)


@bp.route("/leden/<int:member_id>/einde", methods=["POST"])
@association_view
def end_membership(site, access, association, member_id: int):
    found = _member_or_404(association, member_id)
    form = EndMembershipForm()
    context = _member_context(site, association, found, {"end": form})
    return save_on_page(form, lambda: member_service.end_membership(
        db.session, found, ends_on=form.ends_on.data, reason=form.reason.data,
        actor_id=current_user.id, now=utcnow()), _("Het lidmaatschap is beëindigd."),
        url_for("association.member", site_id=site.id, member_id=found.id),
        "association/member.html", context)


@bp.route("/leden/<int:member_id>/betaling", methods=["GET", "POST"])
@association_view
def payment(site, access, association, member_id: int):
    found = _member_or_404(association, member_id)
    form = PaymentForm()
    if request.method == "GET":
        form.paid_on.data, form.method.data = today(), "overboeking"
        form.amount.data = payments.member_balance(db.session, found).overdue(today()) or None
    return save_or_render(
        form, lambda: payments.record_payment(
            db.session, found, amount=form.amount.data, paid_on=form.paid_on.data,
            method=form.method.data, note=form.note.data, today=today(),
            actor_id=current_user.id),
        success=lambda p: _("De betaling van %(name)s is vastgelegd.", name=found.resident.name),
        next_url=to("member", site, member_id=found.id), template="association/payment.html",
        site=site, association=association, member=found)


@bp.route("/leden/<int:member_id>/betalingen/<int:payment_id>/terugdraaien",
          methods=["GET", "POST"])
@association_view
def reverse_payment(site, access, association, member_id: int, payment_id: int):
    found = _member_or_404(association, member_id)
    paid = child_or_404(Payment, payment_id, lambda p: p.member_id == found.id)
    form = ReasonForm()
    return save_or_render(
        form, lambda: payments.reverse_payment(db.session, paid, reason=form.reason.data,
                                               today=today(), actor_id=current_user.id),
        success=lambda _p: _("De betaling is teruggedraaid."),
        next_url=to("member", site, member_id=found.id),
        template="association/reverse_payment.html", site=site, association=association,
        member=found, payment=paid)


@bp.route("/leden/<int:member_id>/contributie/<int:due_id>/vervallen",
          methods=["GET", "POST"])
@association_view
def cancel_due(site, access, association, member_id: int, due_id: int):
    found = _member_or_404(association, member_id)
    due = child_or_404(Due, due_id, lambda d: d.member_id == found.id)
    form = ReasonForm()
    return save_or_render(
        form, lambda: dues.cancel_due(db.session, due, reason=form.reason.data, now=utcnow(),
                                      actor_id=current_user.id),
        success=lambda _d: _("Deze contributie vervalt."),
        next_url=to("member", site, member_id=found.id), template="association/cancel_due.html",
        site=site, association=association, member=found, due=due)


# --- board and commissions -----------------------------------------------------------------

@bp.route("/bestuur")
@association_view
def board_page(site, access, association):
    on = today()
    return render_template(
        "association/board.html", site=site, association=association, on=on,
        holders=board.holders(db.session, association.id, on),
        offices=board.offices(db.session, association.id),
        kvk=board.kvk_pending(db.session, association.id),
        body=board.bestuur_body(db.session, association.id),
        commissions=board.commissions(db.session, association.id))


@bp.route("/bestuur/functie", methods=["GET", "POST"])
@association_view
def appoint(site, access, association):
    form = OfficeForm()
    on = today()
    form.seat_id.choices = [("", _("— kies —"))] + [
        (str(s.id), s.name) for s in board.seat_choices(db.session, association.id, on)]
    if request.method == "GET":
        form.starts_on.data = on
        form.office.data = request.args.get("functie")
    return save_or_render(
        form, lambda: board.appoint(db.session, association.id, office=form.office.data,
                                    seat_id=form.seat_id.data, starts_on=form.starts_on.data,
                                    actor_id=current_user.id),
        success=lambda t: _("%(name)s is %(office)s. Vergeet de inschrijving bij de KvK niet.",
                            name=t.seat.name, office=label(t.office)),
        next_url=to("board_page", site), template="association/appoint.html", site=site,
        association=association, body=board.bestuur_body(db.session, association.id))


def _office_or_404(association, office_id: int):
    return owned_or_404(BoardOffice, office_id, association)


@bp.route("/bestuur/functie/<int:office_id>/einde", methods=["GET", "POST"])
@association_view
def end_office(site, access, association, office_id: int):
    term = _office_or_404(association, office_id)
    form = EndDateForm()
    if request.method == "GET":
        form.ends_on.data = today()
    return save_or_render(
        form, lambda: board.end_office(db.session, term, ends_on=form.ends_on.data,
                                       actor_id=current_user.id),
        success=lambda _t: _("De termijn is beëindigd. Vergeet de uitschrijving bij de KvK "
                             "niet."),
        next_url=to("board_page", site), template="association/end_office.html", site=site,
        association=association, term=term)


@bp.route("/bestuur/functie/<int:office_id>/kvk", methods=["GET", "POST"])
@association_view
def register_kvk(site, access, association, office_id: int):
    term = _office_or_404(association, office_id)
    form = KvkForm()
    if request.method == "GET":
        form.on.data = today()
    return save_or_render(
        form, lambda: board.register_kvk(db.session, term, on=form.on.data, today=today(),
                                         actor_id=current_user.id),
        success=lambda _t: _("De inschrijving bij de KvK is vastgelegd."),
        next_url=to("board_page", site), template="association/register_kvk.html", site=site,
        association=association, term=term)


@bp.route("/commissies/nieuw", methods=["GET", "POST"])
@association_view
def new_commission(site, access, association):
    form = CommissionForm()
    return save_or_render(
        form, lambda: board.create_commission(db.session, association.id, name=form.name.data,
                                              purpose=form.purpose.data,
                                              actor_id=current_user.id),
        success=lambda c: _("De %(name)s is aangemaakt.", name=c.name),
        next_url=lambda c: url_for("association.commission", site_id=site.id,
                                   commission_id=c.id),
        template="association/commission_form.html", site=site, association=association)


def _resident_choices(association) -> list[tuple[str, str]]:
    return [("", _("— kies —"))] + [
        (str(m.resident.id), f"{m.resident.name} ({m.unit.number})")
        for m in member_service.members_on(db.session, association.id, today())]


@bp.route("/commissies/<int:commission_id>", methods=["GET", "POST"])
@association_view
def commission(site, access, association, commission_id: int):
    found = owned_or_404(Commission, commission_id, association)
    form = CommissionMemberForm()
    form.resident_id.choices = _resident_choices(association)
    if request.method == "GET":
        form.starts_on.data = today()
    return save_or_render(
        form, lambda: board.add_commission_member(
            db.session, found, resident_id=form.resident_id.data, starts_on=form.starts_on.data,
            today=today(), actor_id=current_user.id),
        success=lambda row: _("%(name)s zit in de %(commission)s.", name=row.resident.name,
                              commission=found.name),
        next_url=to("commission", site, commission_id=found.id),
        template="association/commission.html", site=site, association=association,
        commission=found, on=today())


@bp.route("/commissies/<int:commission_id>/leden/<int:row_id>/einde", methods=["GET", "POST"])
@association_view
def end_commission_member(site, access, association, commission_id: int, row_id: int):
    found = owned_or_404(Commission, commission_id, association)
    row = child_or_404(CommissionMember, row_id, lambda r: r.commission_id == found.id)
    form = EndDateForm()
    if request.method == "GET":
        form.ends_on.data = today()
    return save_or_render(
        form, lambda: board.end_commission_member(db.session, row, ends_on=form.ends_on.data,
                                                  actor_id=current_user.id),
        success=lambda _r: _("%(name)s zit niet meer in de commissie.", name=row.resident.name),
        next_url=to("commission", site, commission_id=found.id),
        template="association/end_commission_member.html", site=site,
        association=association, commission=found, row=row)


# --- participation (per site; also for the coach and the sociaal beheerder) ----------------

@bp.route("/meedoen")
@site_view(PARTICIPATION)
def participation_page(site, access):
    return render_template("association/participation.html", site=site, access=access,
                           found=participation.site_participation(db.session, site.id, today()))


def _with_activities(form, site):
    """Offer the site's recent activities from the room agenda to link a record to."""
    form.booking_id.choices = [("", _("— geen —"))] + [
        (str(b.id), f"{format_datetime(b.starts_at, 'EEE d MMM HH:mm')} · {b.series.title} "
                    f"({b.room.name})")
        for b in participation.recent_activities(db.session, site.id, today())]
    return form


@bp.route("/meedoen/<int:resident_id>", methods=["GET", "POST"])
@site_view(PARTICIPATION)
def record_participation(site, access, resident_id: int):
    resident = found_or_404(participation.get_resident, site.id, resident_id)
    if not resident.is_current(today()):
        abort(404)
    form = _with_activities(ParticipationForm(), site)
    active_form = ActiveForm(formdata=None, active=resident.actively_contributes)
    if request.method == "GET":
        form.on.data = today()
    return save_or_render(
        form, lambda: participation.record(db.session, resident, kind=form.kind.data,
                                           on=form.on.data, note=form.note.data,
                                           actor_id=current_user.id, today=today(),
                                           booking_id=form.booking_id.data),
        success=lambda _r: _("De bijdrage van %(name)s is vastgelegd.", name=resident.name),
        next_url=to("participation_page", site), template="association/participation_form.html",
        site=site, access=access, resident=resident, record_form=form, active_form=active_form,
        records=participation.records_of(db.session, resident.id),
        activity_days=participation.RECENT_ACTIVITY_DAYS)


@bp.route("/meedoen/<int:resident_id>/actief", methods=["POST"])
@site_view(PARTICIPATION)
def set_active(site, access, resident_id: int):
    resident = found_or_404(participation.get_resident, site.id, resident_id)
    form = ActiveForm()
    return save_or_render(
        form, lambda: participation.set_active(db.session, resident, active=form.active.data,
                                               actor_id=current_user.id),
        success=lambda _r: _("Opgeslagen."), next_url=to("participation_page", site),
        template="association/participation_form.html", site=site, access=access,
        resident=resident, active_form=form,
        record_form=_with_activities(ParticipationForm(formdata=None), site),
        records=participation.records_of(db.session, resident.id),
        activity_days=participation.RECENT_ACTIVITY_DAYS)
