"""Files read into the registry or the member list, and the column mapping remembered
per organisation.

An upload is kept here (not in the session) until it is confirmed, keyed by the SHA-256
of its contents; after confirmation the contents are cleared and the row stays as the
record of the import: who, when, the file's hash and the counts.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db, utcnow
from models.enums import enum_check
from models.user import User


class ImportKind(StrEnum):
    REGISTRY = "registry"    # units, parts, residents and their support status
    MEMBERS = "members"      # member households of the association


class ImportFile(db.Model):
    __tablename__ = "import_files"
    __table_args__ = (
        enum_check("kind", ImportKind, "kind_valid"),
        sa.Index("ix_import_files_site_hash", "site_id", "kind", "file_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    file_hash: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    #: the uploaded bytes until the import is confirmed; empty afterwards
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    #: the column mapping the import was read with ({header: field})
    mapping: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: {"created": n, "changed": n, "unchanged": n, "refused": n, "skipped": n}
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    uploaded_by: Mapped[Optional[User]] = relationship(foreign_keys=[uploaded_by_id])
    confirmed_by: Mapped[Optional[User]] = relationship(foreign_keys=[confirmed_by_id])


class ImportMapping(db.Model):
    """The column mapping last confirmed by an organisation (the site's corporation, or
    the site itself when it has none) for one kind of file: ``{header: field}``."""

    __tablename__ = "import_mappings"
    __table_args__ = (sa.UniqueConstraint("owner", "kind"),
                      enum_check("kind", ImportKind, "kind_valid"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "org:<organisation id>" or "site:<site id>"
    owner: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(16))
    columns: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
