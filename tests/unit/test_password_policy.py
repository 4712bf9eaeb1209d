"""The rules for a chosen password (services/passwords.py): at least 12 characters, not
common or breached, not derived from the e-mail address or the app's name, and no
composition rules."""
import pytest

from services.errors import RuleViolation
from services.passwords import check_new_password, common_passwords

SHORT = "Kies een wachtwoord van minstens 12 tekens."
BREACHED = "Dit wachtwoord komt voor in lijsten van gelekte wachtwoorden; kies een ander."
DERIVED = "Dit wachtwoord is afgeleid van het e-mailadres of de naam Noaber; kies een ander."
EMAIL = "jan.de-vries@hofje.example"


def refusal(password: str, email: str = EMAIL) -> str | None:
    try:
        check_new_password(password, email=email)
    except RuleViolation as error:
        assert error.field == "password"
        return str(error)
    return None


@pytest.mark.parametrize("password, message", [
    ("", SHORT),
    ("elf tekens!", SHORT),                    # 11
    ("ééééééééééé", SHORT),                    # 11 characters, more bytes
    ("iseedeadpeople", BREACHED),              # on the list
    ("ISeeDeadPeople", BREACHED),              # ignoring case
    ("1qaz2wsx3edc4rfv", BREACHED),            # a keyboard walk from the list
    ("Sunshine2024!!", BREACHED),              # a listed word with a year and symbols
    ("!!  password  123", BREACHED),           # and spaces
    ("qwertyuiop 123", BREACHED),
    ("Jan.de-Vries1980", DERIVED),             # the e-mail's local part
    ("vries jan 2026!!", DERIVED),             # its parts in another order
    ("Noaber2026!!", DERIVED),                 # the app's name
    ("noaber-jan-1234", DERIVED),
])
def test_refused(password, message):
    assert refusal(password) == message


@pytest.mark.parametrize("password", [
    "correct horse battery",      # the suite's accounts
    "twaalf teken",               # exactly 12
    "alleenkleineletters",        # no composition rules: lower case only is fine
    "123987456321798",            # digits only, not on the list
    "Jan gaat naar de markt",     # contains a part of the local part, but more
    "noaber is een fijne app",    # contains the app's name, but more
])
def test_accepted(password):
    assert refusal(password) is None


def test_the_list_is_bundled_and_large():
    passwords = common_passwords()
    assert len(passwords) >= 10_000
    assert {"123456", "password", "iloveyou"} <= passwords
    assert all(p == p.lower() for p in passwords)
