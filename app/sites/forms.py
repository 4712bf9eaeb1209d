from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import blank_to_none
from services.registry.sites import UNIT_TYPES


def optional_int(value):
    return int(value) if value not in (None, "", "None") else None


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
