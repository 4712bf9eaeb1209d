"""Webhooks on /koppelingen/: an organisation's endpoint with the events and sites it
receives (services/webhooks), its secret shown once, its recent deliveries, and
deactivating it. For the same people as the service accounts."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from app.forms import blank_to_none, show_violation
from app.jobs import webhooks_allow_local
from app.service_accounts.labels import EVENT_LABELS, STATUS_LABELS
from app.service_accounts.routes import PostForm, _manager, bp
from models import WebhookEndpoint, db, utcnow
from services import service_accounts
from services.errors import RuleViolation
from services.webhooks import endpoints as service

class EndpointForm(FlaskForm):
    name = StringField(_l("Naam van de webhook"), filters=[blank_to_none])
    url = StringField(_l("Webadres (https://)"), filters=[blank_to_none])
    organisation_id = SelectField(_l("Organisatie"), choices=[], validate_choice=False)


def _new(manager, form, status=200):
    form.organisation_id.choices = [("", _("— kies —"))] + [
        (str(o.id), o.name) for o in service_accounts.organisations_for(db.session, manager)]
    return render_template("service_accounts/webhook_new.html", form=form,
                           sites=service_accounts.sites_for(db.session, manager),
                           event_labels=EVENT_LABELS,
                           chosen_events=set(request.form.getlist("events")),
                           chosen_sites=set(request.form.getlist("sites"))), status


@bp.route("/webhooks/nieuw")
@login_required
def new_webhook():
    return _new(_manager(), EndpointForm(formdata=None))


@bp.route("/webhooks/", methods=["POST"])
@login_required
def create_webhook():
    """The secret is shown in this answer only (never flashed, never stored in the clear)."""
    manager = _manager()
    form = EndpointForm()
    form.organisation_id.choices = []
    if form.validate_on_submit():
        org = form.organisation_id.data or ""
        try:
            made = service.create_endpoint(
                db.session, manager, organisation_id=int(org) if org.isdigit() else None,
                name=form.name.data, url=form.url.data, events=request.form.getlist("events"),
                site_ids=[int(s) for s in request.form.getlist("sites") if s.isdigit()],
                actor_id=current_user.id, secret_key=current_app.config["SECRET_KEY"],
                allow_local=webhooks_allow_local(current_app))
            db.session.commit()
            return _show(made.endpoint, secret=made.secret, status=201)
        except RuleViolation as error:
            db.session.rollback()
            show_violation(form, error)
    return _new(manager, form, 422)


def _endpoint(manager, endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    if not service.may_manage(manager, endpoint):
        abort(403)
    return endpoint


def _show(endpoint, secret=None, status=200):
    return render_template("service_accounts/webhook_show.html", endpoint=endpoint,
                           secret=secret, post_form=PostForm(formdata=None),
                           deliveries=service.deliveries_of(db.session, endpoint),
                           event_labels=EVENT_LABELS, status_labels=STATUS_LABELS), status


@bp.route("/webhooks/<int:endpoint_id>")
@login_required
def show_webhook(endpoint_id: int):
    return _show(_endpoint(_manager(), endpoint_id))


@bp.route("/webhooks/<int:endpoint_id>/uitzetten", methods=["POST"])
@login_required
def deactivate_webhook(endpoint_id: int):
    endpoint = _endpoint(_manager(), endpoint_id)
    if not PostForm().validate_on_submit():
        abort(400)
    try:
        service.deactivate(db.session, endpoint, actor_id=current_user.id, now=utcnow())
        db.session.commit()
        flash(_("De webhook is uitgezet; er wordt niets meer naartoe gestuurd."), "success")
    except RuleViolation as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    return redirect(url_for("service_accounts.show_webhook", endpoint_id=endpoint.id))
