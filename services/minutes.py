"""What the IMO and the governance bodies share about minutes: once locked they are
read-only, and a correction is an addendum."""
from __future__ import annotations

from typing import Any

from services.errors import N_, RuleViolation


def append_addendum(meeting: Any, text: str | None, actor_id: int | None) -> Any:
    """Add a correction to ``meeting``'s locked minutes (any meeting model with
    ``locked_at`` and an ``addenda`` relationship)."""
    if meeting.locked_at is None:
        raise RuleViolation(N_("Het verslag is nog niet vastgesteld; pas het verslag zelf "
                               "aan."), field="text")
    text = (text or "").strip()
    if not text:
        raise RuleViolation(N_("Vul de tekst van het addendum in."), field="text")
    addendum_class = type(meeting).addenda.property.mapper.class_
    addendum = addendum_class(text=text, created_by_id=actor_id)
    meeting.addenda.append(addendum)
    return addendum
