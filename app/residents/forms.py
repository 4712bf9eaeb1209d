from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.forms import blank_to_none
from app.sites.forms import optional_int

DATE_MESSAGE = _l("Vul een geldige datum in.")


class PersonForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    email = EmailField(_l("E-mailadres"), filters=[blank_to_none], validators=[
        Optional(), Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    phone = StringField(_l("Telefoon"), filters=[blank_to_none],
                        validators=[Optional(), Length(max=40)])
    date_of_birth = DateField(_l("Geboortedatum (niet verplicht)"),
                              validators=[Optional()])
    actively_contributes = BooleanField(_l("Draagt actief bij aan de gemeenschap"))
    contribution_notes = TextAreaField(_l("Toelichting op de bijdrage"),
                                       filters=[blank_to_none],
                                       validators=[Optional(), Length(max=2000)])
    talents = TextAreaField(_l("Talenten en interesses (ABCD)"), filters=[blank_to_none],
                            validators=[Optional(), Length(max=2000)])


class SupportFields:
    status = RadioField(_l("Status"), choices=[("onbegeleid", _l("onbegeleid")),
                                               ("begeleid", _l("begeleid"))],
                        validators=[DataRequired(message=_l("Kies begeleid of onbegeleid."))])
    care_organisation_id = SelectField(_l("Zorgaanbieder (alleen bij begeleid)"),
                                       coerce=optional_int, validators=[Optional()])
    indicated_hours = DecimalField(_l("Geïndiceerde uren begeleiding per week"), places=2,
                                   validators=[Optional(), NumberRange(
                                       min=0, max=168,
                                       message=_l("Vul een aantal uren tussen 0 en 168 in."))])


class MoveInForm(PersonForm, SupportFields):
    # the service says why a unit is not free (the list may be older than the request)
    unit_id = SelectField(_l("Wooneenheid"), coerce=optional_int, validate_choice=False,
                          validators=[
        DataRequired(message=_l("Kies een vrije wooneenheid."))])
    move_in_date = DateField(_l("Verhuisdatum"), validators=[
        DataRequired(message=DATE_MESSAGE)])


class StatusForm(FlaskForm, SupportFields):
    valid_from = DateField(_l("Met ingang van"), validators=[DataRequired(message=DATE_MESSAGE)])
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=500)])


class MoveOutForm(FlaskForm):
    move_out_date = DateField(_l("Vertrekdatum"), validators=[
        DataRequired(message=DATE_MESSAGE)])
    move_out_reason = StringField(_l("Reden van vertrek"), filters=[blank_to_none],
                                  validators=[Optional(), Length(max=200)])
