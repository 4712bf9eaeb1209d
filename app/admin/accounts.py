"""Inviting people, and an admin's reset of someone's second factor.

Invitations: admins for any site (and admin rights), a sociaal beheerder for roles on
the sites where they hold that role. Each sees, sends again and withdraws the
invitations they may manage (:func:`services.invitations.may_manage`).
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import admin_required
from app.admin.forms import InvitationForm
from app.auth import mails
from app.auth.account import clock
from app.auth.forms import ConfirmForm
from app.clock import today
from app.forms import show_violation
from models import AccountInvitation, OrgKind, Site, User, db
from services import accounts, invitations, totp
from services.errors import RuleViolation
from services.registry import sites as site_service

bp = Blueprint("accounts", __name__)


def _valid_for() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_DAYS"])


def _inviter_required():
    if not invitations.may_invite(db.session, current_user, today()):
        abort(403)


def _managed_or_404(invitation_id: int) -> AccountInvitation:
    _inviter_required()
    invitation = db.session.get(AccountInvitation, invitation_id)
    if invitation is None or not invitations.may_manage(db.session, current_user, invitation):
        abort(404)
    return invitation


def send_invitation(invitation: AccountInvitation) -> None:
    """Put the invitation's mail (with its current link) in the outbox."""
    token = invitations.link_token(current_app.config["SECRET_KEY"], invitation)
    mails.invitation(invitation, mails.link("account.accept_invitation", token=token))


def tell_role_given(data: invitations.InvitationData) -> None:
    """Mail an existing account that it was given roles (the invitation's counterpart);
    the page's answer stays the same either way."""
    user = accounts.find_user_by_email(db.session, data.email)
    site = db.session.get(Site, data.site_id)
    if user is not None and site is not None:
        mails.role_given(user, site, list(dict.fromkeys(data.roles)), current_user,
                         data.ends_on)


@bp.route("/uitnodigingen")
@login_required
def invitation_list():
    _inviter_required()
    return render_template("admin/invitations.html", now=clock(), action_form=ConfirmForm(),
                           invitations=invitations.visible_invitations(db.session,
                                                                       current_user))


def _form() -> InvitationForm:
    form = InvitationForm()
    managed = invitations.managed_site_ids(db.session, current_user, today())
    stmt = sa.select(Site).order_by(Site.name)
    if managed is not None:
        stmt = stmt.where(Site.id.in_(managed))
    form.site_id.choices = [("", _("— kies —"))] + [
        (str(s.id), s.name) for s in db.session.scalars(stmt)]
    form.organisation_id.choices = [("", _("— geen —"))] + [
        (str(o.id), o.name) for o in site_service.organisations(
            db.session, kind=OrgKind.ZORGAANBIEDER, active_only=True)]
    if managed is not None:
        del form.is_admin  # only an admin gives admin rights
    return form


def _invite(data: invitations.InvitationData) -> AccountInvitation | None:
    """An admin invites (an existing address is refused: they give roles under Beheer);
    anyone else gives the roles to the address, with the same answer whether or not it
    has an account (:func:`services.invitations.give_roles`)."""
    if current_user.is_admin:
        invitation = invitations.invite(db.session, current_user, data, now=clock(),
                                        valid_for=_valid_for())
    else:
        invitation = invitations.give_roles(db.session, current_user, data, now=clock(),
                                            today=today(), valid_for=_valid_for())
        if invitation is None:
            tell_role_given(data)
    if invitation is not None:
        send_invitation(invitation)
    return invitation


@bp.route("/uitnodigingen/nieuw", methods=["GET", "POST"])
@login_required
def new_invitation():
    _inviter_required()
    form = _form()
    if form.validate_on_submit():
        data = invitations.InvitationData(
            email=form.email.data, name=form.name.data, site_id=form.site_id.data,
            roles=list(form.roles.data or []), organisation_id=form.organisation_id.data,
            is_admin=bool(getattr(form, "is_admin", None) and form.is_admin.data))
        try:
            invitation = _invite(data)
            db.session.commit()
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
        else:
            if not current_user.is_admin:
                flash(_("%(email)s heeft de rollen: met een account gelden die meteen, "
                        "anders gaat er een uitnodiging naar dit adres.",
                        email=accounts.normalise_email(data.email)), "success")
            else:
                flash(_("De uitnodiging voor %(email)s is verstuurd.",
                        email=invitation.email), "success")
            return redirect(url_for("accounts.invitation_list"))
    return render_template("admin/invitation_form.html", form=form), \
        422 if form.errors else 200


@bp.route("/uitnodigingen/<int:invitation_id>/opnieuw", methods=["POST"])
@login_required
def resend_invitation(invitation_id: int):
    invitation = _managed_or_404(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        invitations.resend(db.session, invitation, actor_id=current_user.id, now=clock(),
                           valid_for=_valid_for())
        send_invitation(invitation)
        db.session.commit()
        flash(_("De uitnodiging voor %(email)s is opnieuw verstuurd; de vorige link werkt "
                "niet meer.", email=invitation.email), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("accounts.invitation_list"))


@bp.route("/uitnodigingen/<int:invitation_id>/intrekken", methods=["POST"])
@login_required
def withdraw_invitation(invitation_id: int):
    invitation = _managed_or_404(invitation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        invitations.withdraw(db.session, invitation, actor_id=current_user.id, now=clock())
        db.session.commit()
        flash(_("De uitnodiging voor %(email)s is ingetrokken.", email=invitation.email),
              "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("accounts.invitation_list"))


@bp.route("/beheer/gebruikers/<int:user_id>/tweede-factor-resetten", methods=["POST"])
@admin_required
def reset_second_factor(user_id: int):
    """For a person who lost their phone and their recovery codes (audit-logged)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        totp.reset(db.session, user, actor_id=current_user.id, now=clock())
        db.session.commit()
        flash(_("De tweestapsverificatie van %(name)s is gereset; bij de volgende keer "
                "inloggen stelt deze persoon die opnieuw in.", name=user.name), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("admin.user_form", user_id=user.id))
