"""Writing the append-only audit log."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def changes_between(obj: Any, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value differs on ``obj``, as ``{field: [old, new]}``."""
    return {name: [_plain(getattr(obj, name)), _plain(value)]
            for name, value in new_values.items() if getattr(obj, name) != value}


def record(session: Session, *, actor_id: int | None, entity_type: str, entity_id: int,
           action: str, changes: dict[str, Any] | None = None,
           site_id: int | None = None) -> AuditEvent:
    """Append one audit event (flushed with the change it describes)."""
    event = AuditEvent(actor_id=actor_id, entity_type=entity_type, entity_id=entity_id,
                       action=action, site_id=site_id,
                       changes={k: _plain(v) if not isinstance(v, list) else
                                [_plain(x) for x in v] for k, v in (changes or {}).items()})
    session.add(event)
    return event
