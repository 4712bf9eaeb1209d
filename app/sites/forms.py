from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import blank_to_none
from app.hardening import MAX_ID
from services.registry.sites import UNIT_TYPES


def optional_int(value):
    """A chosen id (or None); ValueError, as for "abc", beyond the databases' INTEGER, which
    would otherwise reach a query as an overflow (SQLite) or a DataError (PostgreSQL)."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError(value)
    return number


class UnitForm(FlaskForm):
    number = StringField(_l("Nummer"), validators=[
        DataRequired(message=_l("Vul een nummer in.")), Length(max=20)])
    part_id = SelectField(_l("Deel van de locatie"), coerce=optional_int,
                          validators=[Optional()])
    unit_type = SelectField(_l("Woningtype"), choices=[(t, t) for t in UNIT_TYPES])
    shared = BooleanField(_l("Gedeelde eenheid (meerdere bewoners tegelijk)"))


class PartForm(FlaskForm):
    name = StringField(_l("Naam van het deel"), filters=[blank_to_none], validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=120)])
