from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(message=_l("Vul uw e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Wachtwoord"), validators=[
        DataRequired(message=_l("Vul uw wachtwoord in.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Taal"), choices=[("nl", "Nederlands"), ("en", "English")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[
        DataRequired(message=_l("Vul uw e-mailadres in.")),
        Email(message=_l("Vul een geldig e-mailadres in.")), Length(max=254)],
        render_kw={"autocomplete": "username"})


def _same_as_password(form, field) -> None:
    if field.data != form.password.data:
        raise ValidationError(_l("De twee wachtwoorden zijn niet gelijk."))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord (minstens 12 tekens)"), validators=[
        DataRequired(message=_l("Kies een wachtwoord.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Herhaal het nieuwe wachtwoord"), validators=[
        DataRequired(message=_l("Herhaal het wachtwoord.")), _same_as_password],
        render_kw={"autocomplete": "new-password"})


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Uw naam"), validators=[
        DataRequired(message=_l("Vul een naam in.")), Length(max=200)],
        render_kw={"autocomplete": "name"})


class LoginCodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Vul de code uit uw app of een herstelcode in.")),
        Length(max=20)], render_kw={"autocomplete": "one-time-code", "inputmode": "text"})


class ConfirmForm(FlaskForm):
    pass
