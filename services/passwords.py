"""The rules for a password someone chooses (NIST SP 800-63B, 5.1.1.2): long enough, not a
common or breached password and not derived from the account's e-mail address or the
application's name. No composition rules (no required digits, capitals or symbols).

The list of common passwords is the one zxcvbn ships offline (``zxcvbn.frequency_lists``,
"passwords": the 30,000 most frequent passwords of a corpus of leaked passwords), loaded on
first use. Every place where a password is chosen checks it through
:func:`check_new_password`.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from services.errors import N_, RuleViolation

MIN_LENGTH = 12
APP_NAME = "noaber"
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")  # digits, spaces and symbols at either end
_NOT_LETTERS = re.compile(r"[\W\d_]+")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common and breached passwords, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


def is_common(password: str) -> bool:
    """Whether the password, ignoring case, spaces and digits or symbols added at either
    end ("Welkom2024!"), is on the list."""
    text = _normal(password)
    candidates = {text, text.replace(" ", ""), _EDGES.sub("", text)}
    return any(c in common_passwords() for c in candidates if c)


def _context_words(email: str | None) -> list[str]:
    local = _normal(email or "").partition("@")[0]
    words = {APP_NAME, _NOT_LETTERS.sub("", local)}
    words.update(part for part in _NOT_LETTERS.split(local) if len(part) >= 3)
    return sorted((w for w in words if w), key=len, reverse=True)


def is_derived(password: str, email: str | None) -> bool:
    """Whether the password's letters are only the e-mail's local part (or its parts) and
    the application's name, with digits and symbols around them ("Noaber2026!",
    "jan.jansen-1980")."""
    letters = _NOT_LETTERS.sub("", _normal(password))
    if not letters:
        return False
    for word in _context_words(email):
        letters = letters.replace(word, "")
    return not letters


def check_new_password(password: str, *, email: str | None) -> None:
    """Refuse a chosen password with a :class:`RuleViolation` on the ``password`` field:
    shorter than 12 characters, common or breached, or derived from ``email`` (the
    account's) or the application's name."""
    if len(password or "") < MIN_LENGTH:
        raise RuleViolation(N_("Kies een wachtwoord van minstens %(n)s tekens."),
                            field="password", n=MIN_LENGTH)
    if is_common(password):
        raise RuleViolation(N_("Dit wachtwoord komt voor in lijsten van gelekte wachtwoorden; "
                               "kies een ander."), field="password")
    if is_derived(password, email):
        raise RuleViolation(N_("Dit wachtwoord is afgeleid van het e-mailadres of de naam "
                               "Noaber; kies een ander."), field="password")
