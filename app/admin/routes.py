"""Administration: organisations, sites, user accounts with their roles, the audit log."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import admin_required
from app.clock import today
from app.admin.forms import MembershipForm, OrganisationForm, SiteForm, UserForm
from app.forms import save_or_render
from models import AuditEvent, Membership, Organisation, OrgKind, Site, User, db
from services import accounts
from services.registry import sites as site_service

bp = Blueprint("admin", __name__, url_prefix="/beheer")


def _get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


# --- organisations ---------------------------------------------------------------

@bp.route("/organisaties")
@admin_required
def organisations():
    return render_template("admin/organisations.html",
                           organisations=site_service.organisations(db.session))


@bp.route("/organisaties/nieuw", methods=["GET", "POST"], defaults={"org_id": None})
@bp.route("/organisaties/<int:org_id>", methods=["GET", "POST"])
@admin_required
def organisation_form(org_id: int | None):
    org = _get_or_404(Organisation, org_id) if org_id else None
    form = OrganisationForm(obj=org)
    return save_or_render(
        form, lambda: site_service.save_organisation(
            db.session, org, name=form.name.data, kind=form.kind.data,
            active=form.active.data, actor_id=current_user.id),
        success=lambda o: _("Organisatie %(name)s is opgeslagen.", name=o.name),
        next_url=lambda o: url_for("admin.organisations"),
        template="admin/organisation_form.html", org=org)


# --- sites -----------------------------------------------------------------------

def org_choices(kind: OrgKind) -> list[tuple[str, str]]:
    return [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in site_service.organisations(db.session, kind=kind)]


@bp.route("/locaties")
@admin_required
def sites():
    return render_template("admin/sites.html",
                           sites=db.session.scalars(sa.select(Site).order_by(Site.name)).all())


@bp.route("/locaties/nieuw", methods=["GET", "POST"], defaults={"site_id": None})
@bp.route("/locaties/<int:site_id>", methods=["GET", "POST"])
@admin_required
def site_form(site_id: int | None):
    site = _get_or_404(Site, site_id) if site_id else None
    form = SiteForm(obj=site)
    form.corporation_id.choices = org_choices(OrgKind.WONINGCORPORATIE)
    form.association_id.choices = org_choices(OrgKind.WOONVERENIGING)
    if site is None and request.method == "GET":
        defaults = site_service.SiteData("", "", None)  # type: ignore[arg-type]
        for name in ("target_begeleid_share", "mix_tolerance", "small_site_units",
                     "small_site_max_share", "active_share_low", "active_share_high"):
            form[name].data = getattr(defaults, name)

    def save():
        data = site_service.SiteData(**{name: form[name].data
                                        for name in site_service.SiteData.__dataclass_fields__})
        return site_service.save_site(db.session, site, data, actor_id=current_user.id)

    return save_or_render(
        form, save, success=lambda s: _("Locatie %(name)s is opgeslagen.", name=s.name),
        next_url=lambda s: url_for("admin.sites"), template="admin/site_form.html", site=site)


# --- users -----------------------------------------------------------------------

@bp.route("/gebruikers")
@admin_required
def users():
    return render_template("admin/users.html", users=db.session.scalars(
        sa.select(User).order_by(User.name)).all())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_form(user_id: int | None):
    user = _get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.admin_of_corporation_id.choices = org_choices(OrgKind.WONINGCORPORATIE)
    if user is not None:
        form.password.data = form.password.data or None
    return save_or_render(
        form, lambda: accounts.save_user(
            db.session, user, email=form.email.data, name=form.name.data,
            password=form.password.data, is_admin=form.is_admin.data,
            active=form.active.data, actor_id=current_user.id,
            admin_of_corporation_id=form.admin_of_corporation_id.data),
        success=lambda u: _("Account van %(name)s is opgeslagen.", name=u.name),
        next_url=lambda u: url_for("admin.user_roles", user_id=u.id),
        template="admin/user_form.html", user=user)


def _membership_form() -> MembershipForm:
    form = MembershipForm()
    form.site_id.choices = [("", _("— kies —"))] + [
        (str(s.id), s.name) for s in db.session.scalars(sa.select(Site).order_by(Site.name))]
    form.organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in site_service.organisations(db.session, active_only=True)]
    return form


@bp.route("/gebruikers/<int:user_id>/rollen", methods=["GET", "POST"])
@admin_required
def user_roles(user_id: int):
    user = _get_or_404(User, user_id)
    form = _membership_form()
    return save_or_render(
        form, lambda: accounts.grant_role(
            db.session, user, site_id=form.site_id.data, role=form.role.data,
            organisation_id=form.organisation_id.data, actor_id=current_user.id,
            ends_on=form.ends_on.data, today=today()),
        success=lambda m: _("De rol is toegekend."),
        next_url=lambda m: url_for("admin.user_roles", user_id=user.id),
        template="admin/user_roles.html", user=user)


@bp.route("/gebruikers/<int:user_id>/rollen/<int:membership_id>/intrekken", methods=["POST"])
@admin_required
def revoke_role(user_id: int, membership_id: int):
    membership = _get_or_404(Membership, membership_id)
    if membership.user_id != user_id:
        abort(404)
    accounts.revoke_role(db.session, membership, actor_id=current_user.id)
    db.session.commit()
    flash(_("De rol is ingetrokken."), "success")
    return redirect(url_for("admin.user_roles", user_id=user_id))


# --- audit log -------------------------------------------------------------------

@bp.route("/audit")
@admin_required
def audit_log():
    page = db.paginate(sa.select(AuditEvent).order_by(AuditEvent.id.desc()), per_page=50,
                       error_out=False)
    return render_template("admin/audit.html", page=page)
