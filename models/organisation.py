"""Partner organisations: corporation, care organisations, municipality, welfare, association."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import db
from models.enums import OrgKind, enum_check


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        enum_check("kind", OrgKind, "kind_valid"),
        sa.UniqueConstraint("name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    def __repr__(self) -> str:
        return f"<Organisation {self.name} ({self.kind})>"
