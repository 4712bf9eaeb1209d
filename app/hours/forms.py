import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, FieldList, FormField, HiddenField, RadioField,
                     SelectField, StringField)
from wtforms.form import Form
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import blank_to_none
from app.sites.forms import optional_int

DATE_MESSAGE = _l("Vul een geldige datum in.")
PHONE_NUMBER = {"inputmode": "decimal", "autocomplete": "off"}  # a number keypad on phones
MAX_MINUTES = 100 * 24 * 60  # far beyond any entry; bounds the arithmetic below
DURATION_MESSAGE = _l("Vul de duur in hele kwartieren in, bijvoorbeeld 1,5 of 1:45.")


def parse_duration(text: str) -> int:
    """Hours as "1,5", "1.5", "0,25" or "1:45" -> quarter hours; ValueError otherwise."""
    text = text.strip().lower().removesuffix("u").strip()
    match = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)
    if match:
        minutes = int(match.group(1)) * 60 + int(match.group(2))
    else:
        try:
            minutes = Decimal(text.replace(",", ".")) * 60
        except InvalidOperation:
            raise ValueError(text) from None
        if not minutes.is_finite() or abs(minutes) > MAX_MINUTES:  # "NaN", "1e309": no duration
            raise ValueError(text)
    if minutes < 0 or minutes % 15:
        raise ValueError(text)
    return int(minutes // 15)


def format_duration(quarters: int | None) -> str:
    if quarters is None:
        return ""
    return f"{Decimal(quarters) / 4:f}".rstrip("0").rstrip(".").replace(".", ",")


class DurationField(StringField):
    """A duration in hours, held as whole quarter hours (``data`` is an int)."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_duration(valuelist[0])
            except ValueError:
                raise ValueError(DURATION_MESSAGE) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_duration(self.data)


def _category():
    return SelectField(_l("Categorie"), validators=[DataRequired(message=_l("Kies een categorie."))])


def _organisation():
    return SelectField(_l("Organisatie"), coerce=optional_int, validators=[Optional()])


def _activity():
    return SelectField(_l("Soort activiteit"), validators=[
        DataRequired(message=_l("Kies een soort activiteit."))])


class EntryForm(FlaskForm):
    work_date = DateField(_l("Datum"), validators=[DataRequired(message=DATE_MESSAGE)])
    duration = DurationField(_l("Duur in uren"), render_kw=PHONE_NUMBER, validators=[
        InputRequired(message=_l("Vul de duur in."))])
    category = _category()
    organisation_id = _organisation()
    activity_type = _activity()
    note = StringField(_l("Korte toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=300)])


class CorrectionForm(FlaskForm):
    duration = DurationField(_l("Juiste duur in uren (0 als de uren niet hadden "
                                "mogen staan)"),
                             validators=[InputRequired(message=_l("Vul de duur in."))])
    category = _category()
    organisation_id = _organisation()
    activity_type = _activity()
    note = StringField(_l("Reden van de correctie"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Geef aan waarom u corrigeert.")), Length(max=300)])


class WeekRowForm(Form):
    work_date = HiddenField()
    duration = DurationField(_l("Uren"), validators=[Optional()])
    activity_type = SelectField(_l("Activiteit"))
    note = StringField(_l("Toelichting"), filters=[blank_to_none],
                       validators=[Optional(), Length(max=300)])


class WeekForm(FlaskForm):
    category = _category()
    organisation_id = _organisation()
    rows = FieldList(FormField(WeekRowForm), min_entries=7, max_entries=7)

    @property
    def errors(self):
        # FieldList keeps the errors of its last validation; count those added later by
        # show_violation too (read live from the rows).
        errors = {k: v for k, v in super().errors.items() if k != "rows"}
        rows = [row.form.errors for row in self._fields["rows"].entries]
        if any(rows):
            errors["rows"] = rows
        return errors

    def __getattr__(self, name: str):
        # A service's rule violation names a row's field as "rows-3-duration"; this lets
        # show_violation put the message next to that field.
        if name.startswith("rows-"):
            for row in self._fields["rows"].entries:
                for sub in row.form:
                    if sub.id == name:
                        return sub
        raise AttributeError(name)


class CloseMonthForm(FlaskForm):
    month = SelectField(_l("Maand"), validate_choice=False,
                        validators=[DataRequired(message=_l("Kies een maand."))])


class OverrideForm(FlaskForm):
    kind = RadioField(_l("Soort afwijking"), choices=[
        ("opgeschaald", _l("tijdelijk opgeschaald")),
        ("waakvlam", _l("waakvlam (4 uur per maand, na het derde jaar)")),
        ("eigen_norm", _l("eigen norm (locatie onder 40 wooneenheden)"))],
        validators=[DataRequired(message=_l("Kies een soort afwijking."))])
    starts_on = DateField(_l("Met ingang van"), validators=[DataRequired(message=DATE_MESSAGE)])
    ends_on = DateField(_l("Tot (niet verplicht)"), validators=[Optional()])
    hours_per_week = DecimalField(_l("Uren per week (niet bij waakvlam)"), places=2,
                                  validators=[Optional(), NumberRange(
                                      min=0, max=80,
                                      message=_l("Vul een aantal uren tussen 0 en 80 in."))])
    reason = StringField(_l("Reden"), filters=[blank_to_none],
                         validators=[Optional(), Length(max=500)])


class EndOverrideForm(FlaskForm):
    ends_on = DateField(_l("Einddatum"), validators=[DataRequired(message=DATE_MESSAGE)])


class FteForm(FlaskForm):
    fte_hours = DecimalField(_l("Uren per week van 1 fte"), places=1, validators=[
        InputRequired(message=_l("Vul een aantal uren in.")),
        NumberRange(min=1, max=60, message=_l("Vul een aantal uren tussen 1 en 60 in."))])


class ConfirmForm(FlaskForm):
    """A POST with only the CSRF token (withdrawing an entry)."""
