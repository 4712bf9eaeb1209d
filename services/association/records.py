"""Looking up one of the association's own records (members, lines, grants, ...)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from services.errors import NotFound


def owned(session: Session, model, object_id: int | None, association_id: int):
    """The record of ``model`` with that id if it is the association's, else None."""
    found = session.get(model, object_id) if object_id else None
    return found if found is not None and found.association_id == association_id else None


def get_owned(session: Session, model, object_id: int | None, association_id: int):
    """Like :func:`owned`, raising NotFound instead of returning None."""
    found = owned(session, model, object_id, association_id)
    if found is None:
        raise NotFound(object_id)
    return found
