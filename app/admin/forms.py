from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, IntegerField,
                     PasswordField, SelectField, SelectMultipleField, StringField)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.forms import blank_to_none
from app.sites.forms import optional_int
from models import OrgKind, Role

ORG_KINDS = [(k.value, _l(k.value)) for k in OrgKind]
ROLES = [(r.value, _l(r.value.replace("_", " "))) for r in Role]
SHARE = dict(places=4, validators=[DataRequired(message=_l("Vul een aandeel in.")),
                                   NumberRange(min=0, max=1, message=_l(
                                       "Een aandeel ligt tussen 0 en 1."))])


class OrganisationForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    kind = SelectField(_l("Soort"), choices=ORG_KINDS)
    active = BooleanField(_l("Actief"), default=True)


class SiteForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    municipality = StringField(_l("Gemeente"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul de gemeente in.")), Length(max=120)])
    project_start = DateField(_l("Start project (begin projectjaar 1)"), validators=[
        DataRequired(message=_l("Vul een geldige datum in."))])
    corporation_id = SelectField(_l("Woningcorporatie"), coerce=optional_int,
                                 validators=[Optional()])
    association_id = SelectField(_l("Woonvereniging"), coerce=optional_int,
                                 validators=[Optional()])
    target_begeleid_share = DecimalField(_l("Streefaandeel begeleid (0-1)"), **SHARE)
    mix_tolerance = DecimalField(_l("Marge rond het streefaandeel (0-1)"), **SHARE)
    small_site_units = IntegerField(_l("Kleine locatie: tot en met dit aantal eenheden"),
                                    validators=[DataRequired(message=_l("Vul een aantal in.")),
                                                NumberRange(min=1, max=100000)])
    small_site_max_share = DecimalField(_l("Kleine locatie: bespreekpunt tot aandeel (0-1)"),
                                        **SHARE)
    active_share_low = DecimalField(_l("Actieve bijdrage: ondergrens van de band (0-1)"),
                                    **SHARE)
    active_share_high = DecimalField(_l("Actieve bijdrage: bovengrens van de band (0-1)"),
                                     **SHARE)


class UserForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    email = EmailField(_l("E-mailadres"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een e-mailadres in.")),
        Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    password = PasswordField(_l("Wachtwoord (minstens 12 tekens)"),
                             validators=[Optional(), Length(max=200)])
    is_admin = BooleanField(_l("Beheerder (alle locaties en het beheer)"))
    admin_of_corporation_id = SelectField(
        _l("Beheerder van woningcorporatie (haar locaties, wooneenheden en toegang)"),
        coerce=optional_int, validators=[Optional()])
    active = BooleanField(_l("Account actief"), default=True)


class MembershipForm(FlaskForm):
    site_id = SelectField(_l("Locatie"), coerce=optional_int, validators=[
        DataRequired(message=_l("Kies een locatie."))])
    role = SelectField(_l("Rol"), choices=ROLES)
    organisation_id = SelectField(_l("Organisatie (verplicht voor een begeleider)"),
                                  coerce=optional_int, validators=[Optional()])
    ends_on = DateField(_l("Tot en met (leeg: geen einddatum)"), validators=[Optional()])


class PersonForm(FlaskForm):
    """Who: a name and an e-mail address."""

    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    email = EmailField(_l("E-mailadres"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een e-mailadres in.")),
        Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])


class InvitationForm(PersonForm):
    """An invitation: who, and the roles they will hold on one site (more roles or sites
    can be given later under Beheer, Gebruikers)."""

    site_id = SelectField(_l("Locatie"), coerce=optional_int, validators=[Optional()])
    roles = SelectMultipleField(_l("Rollen op deze locatie"), choices=ROLES,
                                widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(), validate_choice=False)
    organisation_id = SelectField(_l("Zorgaanbieder (verplicht voor een begeleider)"),
                                  coerce=optional_int, validators=[Optional()])
    is_admin = BooleanField(_l("Beheerder (alle locaties en het beheer)"))


END_DATE = dict(validators=[Optional()], format="%Y-%m-%d")


class SiteRoleForm(PersonForm):
    """A role on one site for whoever has the e-mail address (an account gets it at once,
    an unknown address an invitation)."""

    role = SelectField(_l("Rol"), choices=[("", _l("— kies —")), *ROLES],
                       validators=[DataRequired(message=_l("Kies een rol."))])
    organisation_id = SelectField(_l("Zorgaanbieder (verplicht voor een begeleider)"),
                                  coerce=optional_int, validators=[Optional()])
    ends_on = DateField(_l("Tot en met (leeg: geen einddatum)"), **END_DATE)


class RoleEndForm(FlaskForm):
    ends_on = DateField(_l("Tot en met (leeg: geen einddatum)"), **END_DATE)
