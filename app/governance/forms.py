from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, IntegerField,
                     SelectField, SelectMultipleField, StringField, TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import blank_to_none
from app.residents.forms import DATE_MESSAGE
from app.sites.forms import optional_int

KINDS = [("stuurgroep", _l("stuurgroep")), ("kerngroep", _l("kerngroep")),
         ("communityteam", _l("communityteam")), ("bestuur", _l("bestuur woonvereniging")),
         ("alv", _l("ALV"))]
MEMBER_ROLES = [("lid", _l("lid")), ("voorzitter", _l("voorzitter")),
                ("secretaris", _l("secretaris")), ("adviseur", _l("adviseur"))]
ACTION_STATUSES = [("open", _l("open")), ("gedaan", _l("gedaan")),
                   ("vervallen", _l("vervallen"))]
COUNT_MESSAGE = _l("Vul een aantal van 0 of meer in.")


class BodyForm(FlaskForm):
    kind = SelectField(_l("Soort overleg"), choices=KINDS)
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=120)])
    code = StringField(_l("Code voor besluitnummers (bijv. KG)"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=8)])
    site_ids = SelectMultipleField(_l("Locaties"), coerce=int,
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   validators=[DataRequired(message=_l(
                                       "Kies minstens één locatie."))])


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Account"), coerce=optional_int, validators=[Optional()])
    person_name = StringField(_l("Of: naam (zonder account)"), filters=[blank_to_none],
                              validators=[Optional(), Length(max=200)])
    organisation_id = SelectField(_l("Organisatie"), coerce=optional_int,
                                  validators=[Optional()])
    role_in_body = SelectField(_l("Rol in het overleg"), choices=MEMBER_ROLES)
    starts_on = DateField(_l("Lid vanaf"), validators=[DataRequired(message=DATE_MESSAGE)])


class EndMemberForm(FlaskForm):
    ends_on = DateField(_l("Geen lid meer vanaf"),
                        validators=[DataRequired(message=DATE_MESSAGE)])


class MeetingForm(FlaskForm):
    starts_on = DateField(_l("Datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    starts_time = TimeField(_l("Aanvang"), validators=[
        DataRequired(message=_l("Vul een geldige tijd in (uu:mm)."))])
    duration_minutes = IntegerField(_l("Duur in minuten"), default=120, validators=[
        InputRequired(message=_l("Vul de duur in minuten in.")),
        NumberRange(min=15, max=720, message=_l("Een vergadering duurt 15 tot 720 minuten."))])
    place = StringField(_l("Plaats"), filters=[blank_to_none],
                        validators=[Optional(), Length(max=200)])


class EditMeetingForm(MeetingForm):
    status = SelectField(_l("Status"), choices=[("gepland", _l("gepland")),
                                                ("afgelast", _l("afgelast"))])


class PostForm(FlaskForm):
    """A form whose fields are read by the view itself (attendance, minutes, locking)."""


class ItemForm(FlaskForm):
    title = StringField(_l("Onderwerp"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een onderwerp in.")), Length(max=200)])


class DecisionForm(FlaskForm):
    text = TextAreaField(_l("Besluit"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul de tekst van het besluit in.")), Length(max=4000)])
    item_id = SelectField(_l("Bij agendapunt"), coerce=optional_int, validators=[Optional()])


class ActionForm(FlaskForm):
    text = StringField(_l("Actiepunt"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Beschrijf het actiepunt.")), Length(max=500)])
    owner_id = SelectField(_l("Eigenaar"), coerce=optional_int, validators=[
        DataRequired(message=_l("Kies een eigenaar uit de leden van het overleg."))])
    due_on = DateField(_l("Uiterlijk klaar op"), validators=[
        DataRequired(message=DATE_MESSAGE)])
    decision_id = SelectField(_l("Volgt uit besluit"), coerce=optional_int,
                              validators=[Optional()])


class EscalateForm(FlaskForm):
    reason = TextAreaField(_l("Reden van de escalatie"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Schrijf de reden van de escalatie op.")), Length(max=2000)])


class OutcomeForm(FlaskForm):
    outcome = TextAreaField(_l("Uitkomst voor het lagere overleg"), filters=[blank_to_none],
                            validators=[DataRequired(message=_l("Vul de uitkomst in.")),
                                        Length(max=2000)])


class TextForm(FlaskForm):
    text = TextAreaField(_l("Tekst"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een tekst in.")), Length(max=4000)])


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=ACTION_STATUSES)
    on = DateField(_l("Datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    note = StringField(_l("Notitie"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=500)])


class AlvSettingsForm(FlaskForm):
    quorum_percent = IntegerField(_l("Quorum (% van de huishoudens, aanwezig of gemachtigd)"),
                                  validators=[InputRequired(message=_l("Vul een percentage in.")),
                                              NumberRange(min=0, max=100, message=_l(
                                                  "Het quorum is een percentage van 0 tot en "
                                                  "met 100."))])
    max_proxies = IntegerField(_l("Machtigingen per aanwezig huishouden (hoogstens)"),
                               validators=[InputRequired(message=_l("Vul een aantal in.")),
                                           NumberRange(min=0, max=10, message=_l(
                                               "Vul een aantal machtigingen van 0 tot en met "
                                               "10 in."))])
    meetings_per_year = SelectField(_l("ALV's per jaar volgens de statuten"), coerce=int,
                                    choices=[(1, _l("één (jaarlijks)")),
                                             (2, _l("twee (halfjaarlijks)"))])


class MotionForm(FlaskForm):
    title = StringField(_l("Voorstel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul de titel van het voorstel in.")), Length(max=200)])
    text = TextAreaField(_l("Toelichting"), filters=[blank_to_none],
                         validators=[Optional(), Length(max=4000)])
    two_thirds = BooleanField(_l("Twee derde meerderheid nodig (bijv. statutenwijziging)"))


class VoteForm(FlaskForm):
    votes_for = IntegerField(_l("Voor"), validators=[
        InputRequired(message=COUNT_MESSAGE), NumberRange(min=0, message=COUNT_MESSAGE)])
    votes_against = IntegerField(_l("Tegen"), validators=[
        InputRequired(message=COUNT_MESSAGE), NumberRange(min=0, message=COUNT_MESSAGE)])
    abstentions = IntegerField(_l("Onthouding"), validators=[
        InputRequired(message=COUNT_MESSAGE), NumberRange(min=0, message=COUNT_MESSAGE)])


class PlanForm(FlaskForm):
    decision_id = SelectField(_l("Vastgesteld met besluit van de kerngroep"),
                              coerce=optional_int, validators=[Optional()])


class GoalForm(FlaskForm):
    ingredient = SelectField(_l("Ingrediënt"))
    text = StringField(_l("Doel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Beschrijf het doel.")), Length(max=500)])


class WorkActionForm(FlaskForm):
    text = StringField(_l("Actie"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Beschrijf de actie.")), Length(max=500)])
    owner_id = SelectField(_l("Eigenaar"), coerce=optional_int, validators=[
        DataRequired(message=_l("Kies een eigenaar."))])
    due_on = DateField(_l("Uiterlijk klaar op"), validators=[
        DataRequired(message=DATE_MESSAGE)])


class ProgressForm(FlaskForm):
    progress = SelectField(_l("Voortgang"), choices=[
        ("niet_gestart", _l("niet gestart")), ("loopt", _l("loopt")),
        ("gereed", _l("gereed")), ("vervallen", _l("vervallen"))])
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=500)])


class AgreementForm(FlaskForm):
    body_id = SelectField(_l("Overleg dat de overeenkomst draagt"), coerce=optional_int,
                          validators=[DataRequired(message=_l("Kies een overleg."))])
    kind = SelectField(_l("Soort"), choices=[
        ("samenwerkingsovereenkomst", _l("samenwerkingsovereenkomst")),
        ("bestuurlijk_akkoord", _l("bestuurlijk akkoord"))])
    title = StringField(_l("Titel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een titel in.")), Length(max=200)])
    starts_on = DateField(_l("Ingangsdatum"), validators=[DataRequired(message=DATE_MESSAGE)])
    ends_on = DateField(_l("Einddatum"), validators=[DataRequired(message=DATE_MESSAGE)])
    note = TextAreaField(_l("Toelichting"), filters=[blank_to_none],
                         validators=[Optional(), Length(max=4000)])


class PartyForm(FlaskForm):
    organisation_id = SelectField(_l("Partij"), coerce=optional_int, validators=[
        DataRequired(message=_l("Kies een organisatie."))])
    contribution = StringField(_l("Wat de partij inbrengt"), filters=[blank_to_none],
                               validators=[Optional(), Length(max=300)])
    money_per_year = DecimalField(_l("Geld per jaar (euro)"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("Een bijdrage is niet negatief."))])
    hours_per_year = DecimalField(_l("Uren per jaar"), places=1, validators=[
        Optional(), NumberRange(min=0, message=_l("Een bijdrage is niet negatief."))])
    until_on = DateField(_l("Tijdelijk geld: loopt af op"), validators=[Optional()])
