"""Forms of the woonvereniging pages. Amounts are typed the Dutch way ("12,50"); every
message is Dutch and shown next to its field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, IntegerField,
                     RadioField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import blank_to_none
from app.residents.forms import DATE_MESSAGE
from app.sites.forms import optional_int
from services.association.money import MAX_AMOUNT, parse_amount

MONEY_MESSAGE = _l("Vul een bedrag in, bijvoorbeeld 12,50.")
TOO_LARGE = _l("Vul een bedrag onder de 100 miljoen euro in.")
NUMBER_KEYPAD = {"inputmode": "decimal", "autocomplete": "off"}
METHODS = [("overboeking", _l("overboeking")), ("incasso", _l("automatische incasso")),
           ("contant", _l("contant"))]
ACCOUNTS = [("bank", _l("bankrekening")), ("kas", _l("kas (contant geld)"))]
FREQUENCIES = [("maand", _l("per maand")), ("jaar", _l("per jaar"))]
KINDS = [("inkomsten", _l("inkomsten")), ("uitgaven", _l("uitgaven"))]
OFFICES = [("voorzitter", _l("voorzitter")), ("secretaris", _l("secretaris")),
           ("penningmeester", _l("penningmeester"))]
PARTICIPATION = [("organiseerde_activiteit", _l("organiseerde een activiteit")),
                 ("deed_mee", _l("deed mee aan een activiteit")),
                 ("helpt_buren", _l("helpt buren")),
                 ("commissie", _l("zit in een commissie"))]


class MoneyField(StringField):
    """An amount in euros, typed as "12,50", "1.234,56" or "12.50" (``data``: Decimal)."""

    message = MONEY_MESSAGE

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_amount(valuelist[0])
            except ValueError:
                raise ValueError(self.message) from None
            if abs(self.data) >= MAX_AMOUNT:  # beyond the books' Numeric(10, 2)
                raise ValueError(TOO_LARGE)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}".replace(".", ",")


class PercentField(MoneyField):
    message = _l("Vul een percentage in, bijvoorbeeld 50 of 12,5.")


def _money(label, required=True):
    validators = [InputRequired(message=_l("Vul een bedrag in."))] if required else [Optional()]
    return MoneyField(label, render_kw=NUMBER_KEYPAD, validators=validators)


def _date(label):
    return DateField(label, validators=[DataRequired(message=DATE_MESSAGE)])


def _text(label, required_message=None, max_length=300):
    validators = [DataRequired(message=required_message)] if required_message else [Optional()]
    return StringField(label, filters=[blank_to_none], validators=[*validators,
                                                                    Length(max=max_length)])


def _year():
    return IntegerField(_l("Jaar"), validators=[
        InputRequired(message=_l("Vul een jaar in.")),
        NumberRange(min=2000, max=2100, message=_l("Vul een geldig jaar in."))])


def _choice(label, message=None):
    return SelectField(label, coerce=optional_int, validate_choice=False,
                       validators=[DataRequired(message=message)] if message else [Optional()])


class PostForm(FlaskForm):
    """Only the CSRF token: the view reads the chosen rows itself."""


class MemberForm(FlaskForm):
    starts_on = _date(_l("Lid vanaf"))


class DeclineForm(FlaskForm):
    note = _text(_l("Waarom niet (niet verplicht)"))


class EndMembershipForm(FlaskForm):
    ends_on = _date(_l("Geen lid meer vanaf"))
    reason = _text(_l("Reden"), max_length=200)


class PaymentForm(FlaskForm):
    amount = _money(_l("Bedrag"))
    paid_on = _date(_l("Betaald op"))
    method = RadioField(_l("Hoe is er betaald?"), choices=METHODS,
                        validators=[DataRequired(message=_l("Kies hoe er is betaald."))])
    note = _text(_l("Opmerking (niet verplicht)"))


class ReasonForm(FlaskForm):
    reason = _text(_l("Reden"), _l("Geef een reden."))


class MemberReductionForm(FlaskForm):
    reduction_id = _choice(_l("Korting dit jaar"))


class SchemeForm(FlaskForm):
    year = _year()
    amount = _money(_l("Bedrag per huishouden"))
    frequency = RadioField(_l("Hoe vaak"), choices=FREQUENCIES,
                           validators=[DataRequired(message=_l("Kies per maand of per jaar."))])
    note = _text(_l("Toelichting, bijvoorbeeld het ALV-besluit (niet verplicht)"))


class ReductionForm(FlaskForm):
    name = _text(_l("Naam van de korting"), _l("Vul een naam in."), 120)
    percent = PercentField(_l("Korting in procenten (100 = vrijstelling)"),
                           render_kw=NUMBER_KEYPAD, validators=[
                               InputRequired(message=_l("Vul een percentage in.")),
                               NumberRange(min=0.01, max=100, message=_l(
                                   "Een korting is meer dan 0 en hoogstens 100 procent."))])


class UploadForm(FlaskForm):
    file = FileField(_l("Bankbestand (.csv of .xml)"), render_kw={"accept": ".csv,.xml"})


class LineMemberForm(FlaskForm):
    member_id = _choice(_l("Van welk lid?"), _l("Kies een lid."))


class LineBookForm(FlaskForm):
    category_id = _choice(_l("Categorie"), _l("Kies een categorie."))
    description = _text(_l("Omschrijving (niet verplicht)"))
    budget_id = _choice(_l("Begroting (niet verplicht)"))
    grant_id = _choice(_l("Fonds of subsidie (niet verplicht)"))


class EntryForm(FlaskForm):
    booked_on = _date(_l("Datum"))
    account = RadioField(_l("Rekening"), choices=ACCOUNTS,
                         validators=[DataRequired(message=_l("Kies bank of kas."))])
    category_id = _choice(_l("Categorie"), _l("Kies een categorie."))
    amount = _money(_l("Bedrag"))
    description = _text(_l("Omschrijving"), _l("Schrijf kort op waar het om gaat."))
    budget_id = _choice(_l("Begroting (alleen bij uitgaven, niet verplicht)"))
    grant_id = _choice(_l("Fonds of subsidie (niet verplicht)"))


class BudgetForm(FlaskForm):
    year = _year()
    commission_id = _choice(_l("Commissie (niet verplicht)"))
    name = _text(_l("Of: naam van de activiteit"), max_length=120)
    amount = _money(_l("Begroot bedrag"))


class GrantForm(FlaskForm):
    funder = _text(_l("Wie geeft het geld"), _l("Vul in wie het geld geeft."), 200)
    name = _text(_l("Naam"), _l("Vul een naam in."), 200)
    amount = _money(_l("Toegekend bedrag"))
    purpose = _text(_l("Waarvoor"), _l("Vul in waarvoor het geld is."), 500)
    conditions = TextAreaField(_l("Voorwaarden (niet verplicht)"), filters=[blank_to_none],
                               validators=[Optional(), Length(max=4000)])
    starts_on = _date(_l("Vanaf"))
    ends_on = _date(_l("Tot en met"))


class AuditCheckForm(FlaskForm):
    item = RadioField(_l("Punt"), validators=[DataRequired(message=_l("Kies een punt."))])
    checked = RadioField(_l("Uitkomst"), choices=[("ja", _l("in orde: afvinken")),
                                                   ("nee", _l("niet in orde: terugzetten"))],
                         validators=[DataRequired(message=_l("Kies de uitkomst."))])
    by_name = _text(_l("Naam van het lid van de kascommissie"),
                    _l("Vul de naam in van het lid van de kascommissie."), 200)
    note = _text(_l("Opmerking (niet verplicht)"), max_length=500)


class PresentForm(FlaskForm):
    meeting_id = _choice(_l("Op de ALV van"), _l("Kies een ALV."))


class SettingsForm(FlaskForm):
    books_start = DateField(_l("De boeken beginnen op"), validators=[Optional()])
    opening_bank = _money(_l("Beginsaldo bankrekening"), required=False)
    opening_cash = _money(_l("Beginsaldo kas"), required=False)
    iban = _text(_l("IBAN van de vereniging"), max_length=42)
    payment_term_days = IntegerField(_l("Betaaltermijn in dagen"), default=30, validators=[
        InputRequired(message=_l("Vul een aantal dagen in.")),
        NumberRange(min=0, max=365, message=_l("De betaaltermijn is 0 tot en met 365 dagen."))])


class CategoryForm(FlaskForm):
    name = _text(_l("Naam van de categorie"), _l("Vul een naam in."), 120)
    kind = RadioField(_l("Soort"), choices=KINDS,
                      validators=[DataRequired(message=_l("Kies inkomsten of uitgaven."))])


class OfficeForm(FlaskForm):
    office = RadioField(_l("Functie"), choices=OFFICES,
                        validators=[DataRequired(message=_l("Kies een functie."))])
    seat_id = _choice(_l("Wie"), _l("Kies een lid van het bestuur."))
    starts_on = _date(_l("Vanaf"))


class EndDateForm(FlaskForm):
    ends_on = _date(_l("Einddatum"))


class KvkForm(FlaskForm):
    on = _date(_l("Ingeschreven bij de KvK op"))


class CommissionForm(FlaskForm):
    name = _text(_l("Naam"), _l("Vul een naam in."), 120)
    purpose = _text(_l("Wat doet de commissie (niet verplicht)"), max_length=500)


class CommissionMemberForm(FlaskForm):
    resident_id = _choice(_l("Bewoner"), _l("Kies een bewoner."))
    starts_on = _date(_l("Vanaf"))


class ParticipationForm(FlaskForm):
    kind = RadioField(_l("Wat deed de bewoner?"), choices=PARTICIPATION,
                      validators=[DataRequired(message=_l("Kies wat de bewoner deed."))])
    booking_id = _choice(_l("Activiteit uit de agenda (niet verplicht)"))
    on = _date(_l("Wanneer"))
    note = _text(_l("Toelichting (niet verplicht)"))


class ActiveForm(FlaskForm):
    active = BooleanField(_l("Draagt actief bij"))
