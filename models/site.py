"""A Gemengd Wonen site, its parts (buildings/wings) and its units."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import db
from models.organisation import Organisation


class Site(db.Model):
    """A site. ``project_start`` is the first day of project year 1 of the community approach.

    The mix settings are the site's own thresholds for the mix band (seed 004 "2. Passende mix").
    """

    __tablename__ = "sites"
    __table_args__ = (
        sa.UniqueConstraint("name"),
        sa.CheckConstraint("target_begeleid_share >= 0 AND target_begeleid_share <= 1",
                           name="target_share_in_range"),
        sa.CheckConstraint("mix_tolerance >= 0 AND mix_tolerance <= 1", name="tolerance_in_range"),
        sa.CheckConstraint("small_site_max_share >= 0 AND small_site_max_share <= 1",
                           name="small_share_in_range"),
        sa.CheckConstraint("small_site_units >= 0", name="small_units_positive"),
        sa.CheckConstraint("active_share_low >= 0 AND active_share_low <= active_share_high "
                           "AND active_share_high <= 1", name="active_band_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    municipality: Mapped[str] = mapped_column(sa.String(120))
    project_start: Mapped[date]
    corporation_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    association_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("organisations.id"))
    target_begeleid_share: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 4), default=Decimal("0.3333"), server_default="0.3333")
    mix_tolerance: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 4), default=Decimal("0.05"), server_default="0.05")
    small_site_units: Mapped[int] = mapped_column(default=60, server_default="60")
    small_site_max_share: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 4), default=Decimal("0.5"), server_default="0.5")
    #: the band of residents contributing actively (seed 004 "Gemengd Wonen met een duurzame community-aanpak": about 50-70%)
    active_share_low: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 4), default=Decimal("0.5"), server_default="0.5")
    active_share_high: Mapped[Decimal] = mapped_column(
        sa.Numeric(5, 4), default=Decimal("0.7"), server_default="0.7")

    corporation: Mapped[Optional[Organisation]] = relationship(foreign_keys=[corporation_id])
    association: Mapped[Optional[Organisation]] = relationship(foreign_keys=[association_id])
    parts: Mapped[list["SitePart"]] = relationship(
        back_populates="site", order_by="SitePart.name")

    def __repr__(self) -> str:
        return f"<Site {self.name}>"


class SitePart(db.Model):
    """A part of a site (a building, wing or floor) where the mix is watched separately."""

    __tablename__ = "site_parts"
    __table_args__ = (sa.UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))

    site: Mapped[Site] = relationship(back_populates="parts")


class Unit(db.Model):
    """A self-contained home (wooneenheid). ``shared`` units may house several residents."""

    __tablename__ = "units"
    __table_args__ = (
        sa.UniqueConstraint("site_id", "number"),
        # target of the residents' composite foreign key (unit_id, unit_shared)
        sa.UniqueConstraint("id", "shared", name="uq_units_id_shared"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    part_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("site_parts.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(20))
    unit_type: Mapped[str] = mapped_column(sa.String(40))
    shared: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    site: Mapped[Site] = relationship()
    part: Mapped[Optional[SitePart]] = relationship()

    def __repr__(self) -> str:
        return f"<Unit {self.number}>"
