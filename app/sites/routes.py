"""The site overview (mix dashboard) and the management of units and parts."""
from __future__ import annotations

from dataclasses import replace

from flask import (Blueprint, Response, abort, current_app, g, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.access import ANY_ROLE, MANAGE_UNITS, mix_rules_for, site_view
from app.clock import today
from app.filters import format_date, percent
from app.forms import save_or_render
from app.sites.charts import history_chart, parts_chart
from app.admin.forms import SiteForm
from app.admin.routes import org_choices
from app.sites.forms import PartForm, UnitForm
from models import OrgKind, SitePart, Unit, db
from services import access_review as access_review_service, sso
from services.accounts import visible_sites
from services.hours.export import slug, to_csv, to_xlsx
from services.imo.agenda import Vacancy, vacancies
from services.monitoring.signals import site_signals
from services.registry import sites as site_service
from services.registry.mix import band_of, site_mix

bp = Blueprint("sites", __name__)


@bp.route("/")
@login_required
def index():
    sites = visible_sites(db.session, current_user, today())
    if len(sites) == 1:
        return redirect(url_for("sites.dashboard", site_id=sites[0].id))
    return render_template("sites/index.html", sites=sites)


@bp.route("/locaties/<int:site_id>")
@site_view(ANY_ROLE)
def dashboard(site, access):
    mix = site_mix(db.session, site, today(), rules=mix_rules_for(access))
    about = _("ca.") + " " if mix.rules else ""
    band = band_of(site)

    def labels(p):
        return (f"{format_date(p.on, 'MMM yyyy')}: {percent(p.assessment.percentage)} "
                f"({about}{p.assessment.begeleid}/{p.assessment.total})")

    chart = history_chart(mix.history, band, labels)
    part_charts = [(row, history_chart(mix.part_history[row.part_id], band, labels))
                   for row in mix.parts if len(mix.parts) > 1
                   and row.part_id in mix.part_history]
    bars = parts_chart([*mix.parts, mix.whole], band)
    on = today()
    # of today's empty units, those promised already (live figures only: the published
    # ones are of an earlier day)
    promised = 0 if mix.rules else sum(
        1 for v in _promised_units(site, access).values()
        if v.available_from is None or v.available_from <= on)
    return render_template("sites/dashboard.html", site=site, access=access, mix=mix,
                           chart=chart, part_charts=part_charts, bars=bars, band=band,
                           promised=promised,
                           signals=site_signals(db.session, access))


def _part_choices(site) -> list[tuple[str, str]]:
    return [("", _("— geen —"))] + [(str(p.id), p.name) for p in site.parts]


@bp.route("/locaties/<int:site_id>/eenheden", methods=["GET", "POST"])
@site_view(MANAGE_UNITS)
def units(site, access):
    return _units_page(site, UnitForm(prefix="unit"), PartForm(prefix="part", formdata=None),
                       unit_form_posted=True)


@bp.route("/locaties/<int:site_id>/delen", methods=["POST"])
@site_view(MANAGE_UNITS)
def add_part(site, access):
    return _units_page(site, UnitForm(prefix="unit", formdata=None), PartForm(prefix="part"),
                       unit_form_posted=False)


def _units_page(site, form: UnitForm, part_form: PartForm, unit_form_posted: bool):
    """The units page holds two forms (new unit, new part); one of them was posted."""
    form.part_id.choices = _part_choices(site)
    back = lambda _result: url_for("sites.units", site_id=site.id)  # noqa: E731
    context = dict(site=site, rows=site_service.unit_overview(db.session, site.id, today()),
                   access=g.access, promised=_promised_units(site, g.access))
    if unit_form_posted:
        return save_or_render(
            form, lambda: site_service.save_unit(db.session, site, None, _unit_data(form),
                                                 actor_id=current_user.id),
            success=lambda unit: _("Wooneenheid %(number)s is toegevoegd.", number=unit.number),
            next_url=back, template="sites/units.html", unit_form=form, part_form=part_form,
            **context)
    return save_or_render(
        part_form, lambda: site_service.add_part(db.session, site, part_form.name.data,
                                                 actor_id=current_user.id),
        success=lambda part: _("Deel %(name)s is toegevoegd.", name=part.name),
        next_url=back, template="sites/units.html", part_form=part_form,
        unit_form=form, **context)


def _promised_units(site, access) -> dict[int, Vacancy]:
    """unit id -> the IMO's vacancy of a unit promised to someone (a candidate assigned to
    it, or a resident moving in later); who and when only for those who see the IMO (a
    corporation administrator sees no residents)."""
    return {v.unit_id: v if access.is_imo_member
            else replace(v, assigned_to=None, moves_in_on=None)
            for v in vacancies(db.session, site.id, today()) if v.assigned}


def of_site_or_404(model, object_id: int, site):
    """The row of ``model`` with this id on this site; 404 for another site's or none."""
    found = db.session.get(model, object_id)
    if found is None or found.site_id != site.id:
        abort(404)
    return found


def _unit_data(form: UnitForm) -> site_service.UnitData:
    return site_service.UnitData(number=form.number.data, unit_type=form.unit_type.data,
                                 part_id=form.part_id.data, shared=form.shared.data)


@bp.route("/locaties/<int:site_id>/eenheden/<int:unit_id>", methods=["GET", "POST"])
@site_view(MANAGE_UNITS)
def edit_unit(site, access, unit_id: int):
    unit = of_site_or_404(Unit, unit_id, site)
    form = UnitForm(obj=unit)
    form.part_id.choices = _part_choices(site)
    return save_or_render(
        form, lambda: site_service.save_unit(db.session, site, unit, _unit_data(form),
                                             actor_id=current_user.id),
        success=lambda u: _("Wooneenheid %(number)s is opgeslagen.", number=u.number),
        next_url=lambda u: url_for("sites.units", site_id=site.id),
        template="sites/unit_form.html", site=site, unit=unit)


@bp.route("/locaties/<int:site_id>/delen/<int:part_id>", methods=["GET", "POST"])
@site_view(MANAGE_UNITS)
def edit_part(site, access, part_id: int):
    part = of_site_or_404(SitePart, part_id, site)
    form = PartForm(obj=part)
    return save_or_render(
        form, lambda: site_service.rename_part(db.session, site, part, form.name.data,
                                               actor_id=current_user.id),
        success=lambda p: _("Deel %(name)s is opgeslagen.", name=p.name),
        next_url=lambda p: url_for("sites.units", site_id=site.id),
        template="sites/part_form.html", site=site, part=part)


# --- the site's own settings ---------------------------------------------------

EDIT_SITE = lambda access: access.can_edit_site  # noqa: E731


@bp.route("/locaties/<int:site_id>/instellingen", methods=["GET", "POST"])
@site_view(EDIT_SITE)
def settings(site, access):
    """Name, municipality, project start, association and norms, for the administrators
    of the site's corporation too; which corporation owns the site is set under Beheer,
    Locaties (by the installation's administrators)."""
    form = SiteForm(obj=site)
    del form.corporation_id
    form.association_id.choices = org_choices(OrgKind.WOONVERENIGING)

    def save():
        data = site_service.SiteData(**{
            name: site.corporation_id if name == "corporation_id" else form[name].data
            for name in site_service.SiteData.__dataclass_fields__})
        return site_service.save_site(db.session, site, data, actor_id=current_user.id)

    return save_or_render(
        form, save, success=lambda s: _("Locatie %(name)s is opgeslagen.", name=s.name),
        next_url=lambda s: url_for("sites.dashboard", site_id=s.id),
        template="sites/settings.html", site=site)


# --- who has access (the access review) ------------------------------------------

REVIEW_ACCESS = lambda access: access.can_review_access  # noqa: E731
REVIEW_EXPORTS = {"xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet"),
                  "csv": (to_csv, "text/csv")}


def _provider_labels() -> dict[str, str]:
    return {key: p.label for key, p in sso.providers(current_app.config).items()}


@bp.route("/locaties/<int:site_id>/toegang")
@site_view(REVIEW_ACCESS)
def access_review(site, access):
    return render_template(
        "sites/access_review.html", site=site, today=today(),
        manage_roles=access.can_manage_roles,
        accounts=access_review_service.site_accounts(db.session, site, today()),
        admins=access_review_service.administrators(db.session, site),
        method_label=lambda m: access_review_service.method_label(m, _provider_labels(), _),
        role_label=lambda r: _(access_review_service.ROLE_LABELS.get(r, r)))


@bp.route("/locaties/<int:site_id>/toegang.<fmt>")
@site_view(REVIEW_ACCESS)
def access_review_export(site, access, fmt: str):
    if fmt not in REVIEW_EXPORTS:
        abort(404)
    tables = access_review_service.review_tables(
        site, access_review_service.site_accounts(db.session, site, today()),
        access_review_service.administrators(db.session, site), _provider_labels(), _)
    write, mimetype = REVIEW_EXPORTS[fmt]
    name = f"noaber-toegang-{slug(site.name)}-{today().isoformat()}.{fmt}"
    return Response(write(tables), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
