"""The ALV (members' assembly) of a woonvereniging: the association's own rules (quorum,
proxies, how often the statutes want an ALV), the attendance list of member households,
and motions with their vote, each recorded as a decision of the ALV.

One member household is one vote: the association's members on the meeting date when it
keeps its register in Noaber, otherwise every occupied unit (services/governance/alv.py);
an absent household may give its vote to a present one by proxy (machtiging).
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import UTCDateTime, db
from models.enums import enum_check
from models.governance import BodyDecision, Meeting
from models.resident import Resident
from models.site import Unit


class AlvPresence(StrEnum):
    AANWEZIG = "aanwezig"
    GEMACHTIGD = "gemachtigd"    # represented by another household's proxy
    AFWEZIG = "afwezig"


class AlvSettings(db.Model):
    """Per woonvereniging, from its statutes: the quorum as a percentage of the member
    households, the most proxies one household may hold, and ALVs per year (1 or 2)."""

    __tablename__ = "gov_alv_settings"
    __table_args__ = (
        sa.UniqueConstraint("organisation_id"),
        sa.CheckConstraint("quorum_percent >= 0 AND quorum_percent <= 100",
                           name="quorum_range"),
        sa.CheckConstraint("max_proxies >= 0 AND max_proxies <= 10", name="proxies_range"),
        sa.CheckConstraint("meetings_per_year IN (1, 2)", name="meetings_per_year_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    quorum_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    max_proxies: Mapped[int] = mapped_column(default=1, server_default="1")
    meetings_per_year: Mapped[int] = mapped_column(default=1, server_default="1")


class AlvAttendance(db.Model):
    """A member household on an ALV's attendance list (fixed when the ALV is planned)."""

    __tablename__ = "gov_alv_attendance"
    __table_args__ = (
        enum_check("presence", AlvPresence, "presence_valid"),
        sa.UniqueConstraint("meeting_id", "unit_id"),
        sa.CheckConstraint("(presence = 'gemachtigd') = (proxy_unit_id IS NOT NULL)",
                           name="proxy_when_represented"),
        sa.CheckConstraint("proxy_unit_id IS NULL OR proxy_unit_id <> unit_id",
                           name="no_proxy_to_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    resident_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("residents.id"))
    presence: Mapped[str] = mapped_column(sa.String(12), default=AlvPresence.AFWEZIG)
    proxy_unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("units.id"))

    meeting: Mapped[Meeting] = relationship()
    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    resident: Mapped[Optional[Resident]] = relationship()
    proxy_unit: Mapped[Optional[Unit]] = relationship(foreign_keys=[proxy_unit_id])


class Motion(db.Model):
    """A motion put to the vote. The counts include votes cast by proxy; whether the
    quorum and the majority were met is recorded as it stood at the vote."""

    __tablename__ = "gov_alv_motions"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "position"),
        sa.CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0",
                           name="votes_positive"),
        sa.CheckConstraint(
            "(votes_for IS NULL AND votes_against IS NULL AND abstentions IS NULL "
            "AND quorum_met IS NULL AND adopted IS NULL) OR "
            "(votes_for IS NOT NULL AND votes_against IS NOT NULL AND abstentions IS NOT NULL "
            "AND quorum_met IS NOT NULL AND adopted IS NOT NULL)", name="vote_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("gov_meetings.id"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[Optional[str]] = mapped_column(sa.Text)
    two_thirds: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    votes_for: Mapped[Optional[int]]
    votes_against: Mapped[Optional[int]]
    abstentions: Mapped[Optional[int]]
    quorum_met: Mapped[Optional[bool]]
    adopted: Mapped[Optional[bool]]
    decision_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("gov_decisions.id"))
    voted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    decision: Mapped[Optional[BodyDecision]] = relationship()
