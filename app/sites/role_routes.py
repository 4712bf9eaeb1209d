"""The roles on one site ("Rollen op deze locatie"): for the site's sociaal beheerder, the
administrators of the site's woningcorporatie and the installation's administrators.
They give a role to an e-mail address (an account gets it at once, an unknown address
an invitation, with the same answer either way), change a role's end date and end a
role; never admin rights, never a role on another site, never their own roles
(:func:`services.invitations.may_change_role`). Added to the ``sites`` blueprint."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import site_view
from app.admin.accounts import send_invitation, tell_role_given
from app.admin.forms import RoleEndForm, SiteRoleForm
from app.auth.account import clock
from app.auth.forms import ConfirmForm
from app.clock import today
from app.forms import save_or_render
from app.sites.routes import bp, of_site_or_404
from models import Membership, OrgKind, db
from services import access_review as access_review_service, accounts, invitations
from services.registry import sites as site_service

MANAGE_ROLES = lambda access: access.can_manage_roles  # noqa: E731


def _roles_url(site_id: int, user_id: int | None = None) -> str:
    anchor = f"account-{user_id}" if user_id else None
    return url_for("sites.roles", site_id=site_id, _anchor=anchor)


def _grant_form() -> SiteRoleForm:
    form = SiteRoleForm(prefix="grant")
    form.organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in site_service.organisations(
            db.session, kind=OrgKind.ZORGAANBIEDER, active_only=True)]
    return form


@bp.route("/locaties/<int:site_id>/rollen", methods=["GET", "POST"])
@site_view(MANAGE_ROLES)
def roles(site, access):
    form = _grant_form()

    def give():
        data = invitations.InvitationData(
            email=form.email.data, name=form.name.data, site_id=site.id,
            roles=[form.role.data], organisation_id=form.organisation_id.data,
            ends_on=form.ends_on.data)
        invitation = invitations.give_roles(
            db.session, current_user, data, now=clock(), today=today(),
            valid_for=timedelta(days=current_app.config["INVITATION_DAYS"]))
        if invitation is not None:
            send_invitation(invitation)
        else:
            tell_role_given(data)
        return accounts.normalise_email(data.email)

    return save_or_render(
        form, give, success=lambda email: _(
            "%(email)s heeft de rol op %(site)s: met een account geldt die meteen, anders "
            "gaat er een uitnodiging naar dit adres.", email=email, site=site.name),
        next_url=lambda email: _roles_url(site.id), template="sites/roles.html",
        site=site, today=today(), action_form=ConfirmForm(),
        locked_user_id=None if current_user.is_admin else current_user.id,
        accounts=access_review_service.site_accounts(db.session, site, today()),
        role_label=lambda r: _(access_review_service.ROLE_LABELS.get(r, r)))


def _changeable_or_404(site, membership_id: int) -> Membership:
    """A role on this site (404 otherwise) that the reader may change (403 otherwise)."""
    membership = of_site_or_404(Membership, membership_id, site)
    if not invitations.may_change_role(db.session, current_user, membership, today()):
        abort(403)
    return membership


@bp.route("/locaties/<int:site_id>/rollen/<int:membership_id>", methods=["GET", "POST"])
@site_view(MANAGE_ROLES)
def role_end(site, access, membership_id: int):
    membership = _changeable_or_404(site, membership_id)
    form = RoleEndForm(obj=membership)
    return save_or_render(
        form, lambda: accounts.change_role_end(db.session, membership, form.ends_on.data,
                                               actor_id=current_user.id, today=today()),
        success=lambda m: _("De einddatum van de rol van %(name)s is opgeslagen.",
                            name=m.user.name),
        next_url=lambda m: _roles_url(site.id, m.user_id), template="sites/role_end.html",
        site=site, membership=membership,
        role_label=_(access_review_service.ROLE_LABELS.get(membership.role,
                                                           membership.role)))


@bp.route("/locaties/<int:site_id>/rollen/<int:membership_id>/intrekken", methods=["POST"])
@site_view(MANAGE_ROLES)
def revoke_role(site, access, membership_id: int):
    membership = _changeable_or_404(site, membership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user_id, name = membership.user_id, membership.user.name
    accounts.revoke_role(db.session, membership, actor_id=current_user.id)
    db.session.commit()
    flash(_("De rol van %(name)s is ingetrokken.", name=name), "success")
    return redirect(_roles_url(site.id, user_id))
