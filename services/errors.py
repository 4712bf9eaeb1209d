"""Errors services raise when a request breaks a domain rule.

Messages are Dutch msgids marked with ``N_`` so Babel extracts them; the web layer
translates them with ``gettext(message, **params)`` when it shows them.
"""
from __future__ import annotations

from typing import Any


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


class RuleViolation(Exception):
    """A request that breaks a rule; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params


class NotFound(Exception):
    """The requested object does not exist (or is not on the given site)."""
