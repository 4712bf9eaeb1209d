from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(message=_l("Vul uw e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Wachtwoord"), validators=[
        DataRequired(message=_l("Vul uw wachtwoord in.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Taal"), choices=[("nl", "Nederlands"), ("en", "English")])
