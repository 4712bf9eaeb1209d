from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, IntegerField,
                     RadioField, SelectField, StringField, TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, NumberRange,
                                Optional)

from app.forms import blank_to_none
from app.residents.forms import DATE_MESSAGE
from app.sites.forms import optional_int

ROUTES = [("zorgaanbieder", _l("Begeleid, voorgedragen door een zorgaanbieder")),
          ("selectie", _l("Onbegeleid, via selectie door bewoners en corporatie")),
          ("cooptatie", _l("Coöptatie door de woonvereniging"))]
STATUSES = [("onbegeleid", _l("onbegeleid")), ("begeleid", _l("begeleid"))]


def optional_bool(value):
    return {"ja": True, "nee": False}.get(value) if isinstance(value, str) else value


class CandidateForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)])
    email = EmailField(_l("E-mailadres"), filters=[blank_to_none], validators=[
        Optional(), Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    phone = StringField(_l("Telefoon"), filters=[blank_to_none],
                        validators=[Optional(), Length(max=40)])
    date_of_birth = DateField(_l("Geboortedatum"), validators=[Optional()])
    household_size = IntegerField(_l("Aantal personen in het huishouden"), default=1,
                                  validators=[InputRequired(message=_l("Vul een aantal in.")),
                                              NumberRange(min=1, max=20, message=_l(
                                                  "Een huishouden telt 1 tot 20 personen."))])
    registered_on = DateField(_l("Aangemeld op"), validators=[
        DataRequired(message=DATE_MESSAGE)])
    intake_route = RadioField(_l("Instroomroute"), choices=ROUTES, validators=[
        DataRequired(message=_l("Kies een instroomroute."))])
    support_status = RadioField(_l("Wordt de kandidaat begeleid?"), choices=STATUSES,
                                validators=[DataRequired(message=_l(
                                    "Kies begeleid of onbegeleid."))])
    care_organisation_id = SelectField(_l("Zorgaanbieder (bij begeleid)"),
                                       coerce=optional_int, validators=[Optional()])
    indicated_hours = DecimalField(_l("Geïndiceerde uren begeleiding per week"), places=2,
                                   validators=[Optional(), NumberRange(
                                       min=0, max=168,
                                       message=_l("Vul een aantal uren tussen 0 en 168 in."))])
    motivation = TextAreaField(_l("Motivatie en bereidheid om bij te dragen"),
                               filters=[blank_to_none], validators=[Optional(),
                                                                    Length(max=4000)])
    problem_severity = SelectField(_l("Zwaarte van de problematiek"), choices=[
        ("", _l("— onbekend —")), ("licht", _l("licht")), ("matig", _l("matig")),
        ("zwaar", _l("zwaar"))], filters=[blank_to_none], validators=[Optional()])
    accepts_support = SelectField(_l("Bereid begeleiding te accepteren"), choices=[
        ("", _l("— onbekend —")), ("ja", _l("ja")), ("nee", _l("nee"))],
        coerce=optional_bool, validators=[Optional()])
    fallback_place = StringField(_l("Afgesproken plek elders als het niet lukt"),
                                 filters=[blank_to_none], validators=[Optional(),
                                                                      Length(max=500)])
    woonzorgovereenkomst = BooleanField(_l("Woonzorgovereenkomst"))
    special_conditions = TextAreaField(_l("Bijzondere voorwaarden in het huurcontract"),
                                       filters=[blank_to_none],
                                       validators=[Optional(), Length(max=4000)])
    confirm_duplicate = BooleanField(_l("Ik heb gecontroleerd: dit is een andere persoon"))


class FactForm(FlaskForm):
    kind = SelectField(_l("Wat"), choices=[
        ("informatieavond", _l("informatieavond bezocht")),
        ("activiteit", _l("meegedaan aan een activiteit")),
        ("kennismaking", _l("kennismakingsgesprek")), ("anders", _l("anders"))])
    on = DateField(_l("Datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=300)])


class ConsentForm(FlaskForm):
    """The candidate's consent to be discussed by the whole IMO, or its withdrawal."""
    kind = SelectField(_l("Wat"), choices=[
        ("gegeven", _l("toestemming gegeven")), ("ingetrokken", _l("toestemming ingetrokken"))],
        validators=[DataRequired(message=_l("Kies of de toestemming gegeven of ingetrokken "
                                            "is."))])
    on = DateField(_l("Datum waarop de kandidaat dit aangaf"),
                   validators=[DataRequired(message=DATE_MESSAGE)])
    how = StringField(_l("Hoe (bijvoorbeeld: getekend formulier)"), filters=[blank_to_none],
                      validators=[Optional(), Length(max=200)])


class CandidateStatusForm(FlaskForm):
    status = SelectField(_l("Nieuwe status"))
    on = DateField(_l("Datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    reason_id = SelectField(_l("Reden (bij afwijzen of terugtrekken)"), coerce=optional_int,
                            validators=[Optional()])
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=500)])


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Datum van het IMO"), validators=[DataRequired(message=DATE_MESSAGE)])
    location = StringField(_l("Plaats"), filters=[blank_to_none],
                           validators=[Optional(), Length(max=200)])
    chair_id = SelectField(_l("Voorzitter"), coerce=optional_int, validators=[Optional()])
    deputy_chair = StringField(_l("Plaatsvervangend voorzitter (naam)"),
                               filters=[blank_to_none], validators=[Optional(),
                                                                    Length(max=200)])


class AdviceForm(FlaskForm):
    advice = RadioField(_l("Advies"), choices=[
        ("positief", _l("positief")),
        ("positief_onder_voorwaarden", _l("positief onder voorwaarden")),
        ("negatief", _l("negatief"))], validators=[DataRequired(message=_l("Kies een advies."))])
    unit_id = SelectField(_l("Voor wooneenheid"), coerce=optional_int, validators=[Optional()])
    conditions = TextAreaField(_l("Voorwaarden"), filters=[blank_to_none],
                               validators=[Optional(), Length(max=2000)])
    reasoning = TextAreaField(_l("Overwegingen"), filters=[blank_to_none],
                              validators=[Optional(), Length(max=4000)])


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Besluit van de corporatie"), choices=[
        ("toewijzen", _l("woning toewijzen")), ("afwijzen", _l("afwijzen")),
        ("aanhouden", _l("aanhouden"))], validators=[DataRequired(message=_l("Kies een besluit."))])
    decided_on = DateField(_l("Datum besluit"), validators=[DataRequired(message=DATE_MESSAGE)])
    unit_id = SelectField(_l("Wooneenheid (bij toewijzen)"), coerce=optional_int,
                          validators=[Optional()])
    reason_id = SelectField(_l("Reden (bij afwijzen)"), coerce=optional_int,
                            validators=[Optional()])
    reasoning = TextAreaField(_l("Toelichting"), filters=[blank_to_none],
                              validators=[Optional(), Length(max=4000)])


class PlaceForm(FlaskForm):
    move_in = DateField(_l("Verhuisdatum"), validators=[DataRequired(message=DATE_MESSAGE)])


class TextForm(FlaskForm):
    text = TextAreaField(_l("Tekst"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een tekst in.")), Length(max=4000)])


class ItemForm(FlaskForm):
    title = StringField(_l("Onderwerp"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een onderwerp in.")), Length(max=200)])


class AddCandidateForm(FlaskForm):
    candidate_id = SelectField(_l("Kandidaat"), coerce=optional_int, validators=[
        DataRequired(message=_l("Kies een kandidaat."))])


class HandoverForm(FlaskForm):
    note = StringField(_l("Notitie (niet verplicht)"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=500)])


REASON_KINDS = [("afgewezen", _l("bij afwijzen")), ("teruggetrokken", _l("bij terugtrekken"))]
REASON_TEXT = [DataRequired(message=_l("Vul een reden in.")),
               Length(max=200, message=_l("Een reden is hoogstens 200 tekens."))]


class ReasonForm(FlaskForm):
    kind = RadioField(_l("Soort"), choices=REASON_KINDS, validators=[
        DataRequired(message=_l("Kies afwijzen of terugtrekken."))])
    text = StringField(_l("Reden"), filters=[blank_to_none], validators=REASON_TEXT)


class ReasonEditForm(FlaskForm):
    text = StringField(_l("Reden"), filters=[blank_to_none], validators=REASON_TEXT)
    active = BooleanField(_l("Te kiezen bij een nieuwe afwijzing of terugtrekking"))
