"""The append-only audit log: who changed what, when."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.user import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    site_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(40))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[Optional[User]] = relationship()


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


@sa.event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("audit events are append-only")
