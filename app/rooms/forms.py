from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DecimalField, EmailField, HiddenField,
                     IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from app.forms import blank_to_none
from app.residents.forms import DATE_MESSAGE
from app.sites.forms import optional_int
from models import RequesterKind

TIME_MESSAGE = _l("Vul een geldige tijd in (uu:mm).")
COUNT_MESSAGE = _l("Vul een aantal van 0 of meer in.")
WEEKDAYS = (_l("maandag"), _l("dinsdag"), _l("woensdag"), _l("donderdag"), _l("vrijdag"),
            _l("zaterdag"), _l("zondag"))
TYPOLOGIES = [("koffiehoek", _l("het koffieho(n)k")),
              ("woonvorm", _l("ontmoetingsruimte bij een woonvorm (CPO)")),
              ("multifunctioneel", _l("multifunctionele ontmoetingsplek")),
              ("buurthuis", _l("buurthuis")),
              ("seniorencomplex", _l("ontmoetingsruimte in een geclusterd seniorencomplex (55+)"))]
FACILITY_CHOICES = [("has_kitchen", _l("keuken")), ("has_tv", _l("tv")), ("has_wifi", _l("wifi")),
                    ("accessible", _l("rolstoeltoegankelijk")),
                    ("dementia_friendly", _l("dementievriendelijk")),
                    ("outdoor_space", _l("buitenruimte"))]
ORGANISERS = [("bewoner", _l("een bewoner")), ("woonvereniging", _l("de woonvereniging")),
              ("coach", _l("de communitycoach")), ("partner", _l("een partnerorganisatie"))]
REQUESTER_KINDS = [("buurtgroep", _l("buurtgroep of bewonersinitiatief")),
                   ("vereniging_stichting", _l("vereniging of stichting (algemeen belang)")),
                   ("overheid", _l("overheid, bijvoorbeeld de gemeente")),
                   ("persoon", _l("persoon met maatschappelijk werk zonder winstoogmerk")),
                   ("commercieel", _l("bedrijf of ander commercieel gebruik"))]
TARIFF_UNITS = [("uur", _l("per uur")), ("dagdeel", _l("per dagdeel (tot 4 uur)")),
                ("keer", _l("per keer"))]
BLOCK_REASONS = [("schoonmaak", _l("schoonmaak")), ("onderhoud", _l("onderhoud")),
                 ("vakantie", _l("vakantie of feestdag")), ("anders", _l("anders"))]
SCOPES = [("one", _l("alleen deze datum")), ("rest", _l("deze en alle volgende datums"))]
CONFLICT_CHOICES = [("skip", _l("Boek de vrije datums en sla de botsende datums over")),
                    ("cancel", _l("Boek niets"))]


class EuroField(DecimalField):
    """An amount in euros; a Dutch decimal comma is accepted (2,50)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        super().process_formdata([v.replace(",", ".") for v in valuelist])


def _time(label):
    return TimeField(label, validators=[DataRequired(message=TIME_MESSAGE)])


def _count(label):
    return IntegerField(label, default=0, render_kw={"inputmode": "numeric"}, validators=[
        InputRequired(message=COUNT_MESSAGE), NumberRange(min=0, message=COUNT_MESSAGE)])


class RoomForm(FlaskForm):
    name = StringField(_l("Naam"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=120)])
    typology = SelectField(_l("Typologie"), choices=TYPOLOGIES)
    capacity = IntegerField(_l("Capaciteit (personen)"), validators=[
        InputRequired(message=_l("Vul de capaciteit in.")),
        NumberRange(min=1, max=1000, message=_l("Vul een capaciteit van 1 tot 1000 in."))])
    facilities = SelectMultipleField(_l("Voorzieningen"), choices=FACILITY_CHOICES,
                                     widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())
    house_rules = TextAreaField(_l("Huisregels"), filters=[blank_to_none],
                                validators=[Optional(), Length(max=4000)])
    contact = StringField(_l("Contactpersoon (naam en telefoon)"), filters=[blank_to_none],
                          validators=[Optional(), Length(max=200)])
    max_days_ahead = IntegerField(_l("Hoe ver vooruit boeken (dagen)"), default=180, validators=[
        InputRequired(message=_l("Vul een aantal dagen in.")),
        NumberRange(min=1, max=730, message=_l("Vooruit boeken kan 1 tot 730 dagen."))])
    max_duration_minutes = IntegerField(_l("Langste boeking (minuten)"), default=240, validators=[
        InputRequired(message=_l("Vul een aantal minuten in.")),
        NumberRange(min=15, max=1440, message=_l("Een boeking duurt 15 tot 1440 minuten."))])
    accepts_requests = BooleanField(_l("Externe partijen kunnen de ruimte aanvragen"),
                                    default=True)
    active = BooleanField(_l("In gebruik"), default=True)
    evaluated_on = DateField(_l("Laatste evaluatie van het sociaal beheer"),
                             validators=[Optional()])


class OpeningForm(FlaskForm):
    """Opening and closing time per weekday (fields opens_0 .. closes_6)."""


for _day in range(7):
    setattr(OpeningForm, f"opens_{_day}", TimeField(_l("Open vanaf"), validators=[Optional()]))
    setattr(OpeningForm, f"closes_{_day}", TimeField(_l("Open tot"), validators=[Optional()]))


class TariffForm(FlaskForm):
    """Unit and amount per kind of external party (fields unit_<kind>, amount_<kind>)."""


for _kind in RequesterKind:
    setattr(TariffForm, f"unit_{_kind.value}", SelectField(_l("Eenheid"), choices=TARIFF_UNITS,
                                                           validators=[Optional()]))
    setattr(TariffForm, f"amount_{_kind.value}", EuroField(
        _l("Bedrag (euro)"), places=2, render_kw={"inputmode": "decimal"},
        validators=[Optional(), NumberRange(min=0, max=500, message=_l(
            "Vul een bedrag van 0 tot 500 euro in."))]))


class BlockForm(FlaskForm):
    starts_on = DateField(_l("Van datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    starts_time = TimeField(_l("Van tijd"), validators=[Optional()])
    ends_on = DateField(_l("Tot en met datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    ends_time = TimeField(_l("Tot tijd"), validators=[Optional()])
    reason = SelectField(_l("Reden"), choices=BLOCK_REASONS)
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=300)])


class KeyForm(FlaskForm):
    holder_name = StringField(_l("Naam van de sleutelhouder"), filters=[blank_to_none],
                              validators=[DataRequired(message=_l("Vul een naam in.")),
                                          Length(max=200)])
    user_id = SelectField(_l("Account (als de houder er een heeft)"), coerce=optional_int,
                          validators=[Optional()])
    key_label = StringField(_l("Welke sleutel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul in welke sleutel het is.")), Length(max=80)])
    since = DateField(_l("In bezit sinds"), validators=[DataRequired(message=DATE_MESSAGE)])


class ReturnKeyForm(FlaskForm):
    returned_on = DateField(_l("Ingeleverd op"), validators=[DataRequired(message=DATE_MESSAGE)])


class WhenFields:
    """The date, times and recurrence of a booking or request."""

    first_day = DateField(_l("Datum (de eerste keer)"), validators=[
        DataRequired(message=DATE_MESSAGE)])
    start_time = _time(_l("Van"))
    end_time = _time(_l("Tot"))
    recurrence = RadioField(_l("Hoe vaak"), default="single", choices=[
        ("single", _l("eenmalig")), ("weekly", _l("wekelijks of om de paar weken")),
        ("monthly", _l("maandelijks op dezelfde weekdag (bijv. de 3e donderdag)"))])
    interval = IntegerField(_l("Elke hoeveel weken"), default=1, validators=[
        Optional(), NumberRange(min=1, max=8, message=_l("Kies elke 1 tot 8 weken."))])
    monthly_last = BooleanField(_l("Maandelijks: de laatste die weekdag van de maand"))
    until = DateField(_l("Tot en met datum"), validators=[Optional()])
    count = IntegerField(_l("Of: aantal keer"), validators=[
        Optional(), NumberRange(min=2, max=156, message=_l("Kies 2 tot 156 keer."))])


class BookingForm(FlaskForm, WhenFields):
    title = StringField(_l("Titel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een titel in.")), Length(max=200)])
    is_activity = BooleanField(_l("Dit is een activiteit door en voor bewoners"))
    organiser_kind = SelectField(_l("Georganiseerd door"), choices=ORGANISERS,
                                 validators=[Optional()])
    open_to_neighbourhood = BooleanField(_l("Open voor de buurt"))
    price = EuroField(_l("Prijs per deelnemer (euro, leeg of 0 is gratis)"), places=2,
                         render_kw={"inputmode": "decimal"}, validators=[
                             Optional(), NumberRange(min=0, message=_l(
                                 "Een prijs is niet negatief."))])
    on_conflict = RadioField(_l("Wat wilt u doen?"), choices=CONFLICT_CHOICES,
                             validators=[Optional()])
    seen_dates = HiddenField()


class MoveForm(FlaskForm):
    first_day = DateField(_l("Nieuwe datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    start_time = _time(_l("Van"))
    end_time = _time(_l("Tot"))
    scope = RadioField(_l("Wat verplaatsen"), default="one", choices=SCOPES)
    on_conflict = RadioField(_l("Wat wilt u doen?"), choices=CONFLICT_CHOICES,
                             validators=[Optional()])
    seen_dates = HiddenField()


class ScopeForm(FlaskForm):
    scope = RadioField(_l("Wat annuleren"), default="one", choices=SCOPES)


class AttendanceForm(FlaskForm):
    begeleid = _count(_l("Bewoners begeleid"))
    onbegeleid = _count(_l("Bewoners onbegeleid"))
    neighbours = _count(_l("Buurtbewoners"))


class DecisionForm(FlaskForm):
    note = TextAreaField(_l("Toelichting voor de aanvrager"), filters=[blank_to_none],
                         validators=[Optional(), Length(max=500)])
    on_conflict = RadioField(_l("Wat wilt u doen?"), choices=CONFLICT_CHOICES,
                             validators=[Optional()])
    seen_dates = HiddenField()


class RequestForm(FlaskForm, WhenFields):
    requester_kind = SelectField(_l("Wie wil de ruimte gebruiken"), choices=REQUESTER_KINDS)
    organisation = StringField(_l("Naam van de organisatie of groep"), filters=[blank_to_none],
                               validators=[DataRequired(message=_l(
                                   "Vul de naam van de organisatie of groep in.")),
                                   Length(max=200)])
    contact_name = StringField(_l("Contactpersoon"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul de naam van de contactpersoon in.")), Length(max=200)])
    email = EmailField(_l("E-mailadres"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)])
    phone = StringField(_l("Telefoon"), filters=[blank_to_none],
                        validators=[Optional(), Length(max=40)])
    title = StringField(_l("Naam van de bijeenkomst"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam voor de bijeenkomst in.")), Length(max=200)])
    purpose = TextAreaField(_l("Waarvoor wilt u de ruimte gebruiken?"), filters=[blank_to_none],
                            validators=[DataRequired(message=_l(
                                "Beschrijf waarvoor u de ruimte wilt gebruiken.")),
                                Length(max=2000)])
    expected_people = IntegerField(_l("Verwacht aantal personen"), validators=[
        Optional(), NumberRange(min=1, max=1000, message=_l(
            "Vul een aantal personen van 1 of meer in."))])
    commercial = RadioField(_l("Wordt er iets verkocht of winst gemaakt?"), default="nee",
                            choices=[("nee", _l("nee")), ("ja", _l("ja"))])


class FeedForm(FlaskForm):
    label = StringField(_l("Naam van de feed (voor wie of waarvoor)"), filters=[blank_to_none],
                        validators=[DataRequired(message=_l(
                            "Geef de feed een naam, bijvoorbeeld voor wie hij is.")),
                            Length(max=120)])
    room_id = SelectField(_l("Agenda van"), coerce=optional_int, validators=[Optional()])


class SettingsForm(FlaskForm):
    hardly_used_percent = IntegerField(
        _l("Weinig gebruikt onder (% van de openingsuren)"), validators=[
            InputRequired(message=_l("Vul een percentage in.")),
            NumberRange(min=0, max=100, message=_l("Vul een percentage van 0 tot 100 in."))])
    usage_weeks = IntegerField(_l("Over de laatste (weken)"), validators=[
        InputRequired(message=_l("Vul een aantal weken in.")),
        NumberRange(min=1, max=52, message=_l("Kies 1 tot 52 weken."))])
    request_wait_days = IntegerField(_l("Aanvragen beantwoorden binnen (dagen)"), validators=[
        InputRequired(message=_l("Vul een aantal dagen in.")),
        NumberRange(min=1, max=60, message=_l("Kies 1 tot 60 dagen."))])


class PostForm(FlaskForm):
    """A form without fields (a confirmation button with its CSRF token)."""
