"""Closed vocabularies stored as strings, with a check constraint helper."""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class OrgKind(StrEnum):
    WONINGCORPORATIE = "woningcorporatie"
    ZORGAANBIEDER = "zorgaanbieder"
    GEMEENTE = "gemeente"
    WELZIJNSORGANISATIE = "welzijnsorganisatie"
    WOONVERENIGING = "woonvereniging"


class SupportStatus(StrEnum):
    BEGELEID = "begeleid"
    ONBEGELEID = "onbegeleid"


class Role(StrEnum):
    """Roles a user holds per site. ``admin`` is held globally (``User.is_admin``)."""

    SOCIAAL_BEHEERDER = "sociaal_beheerder"
    COMMUNITYCOACH = "communitycoach"
    BEGELEIDER = "begeleider"
    BESTUUR = "bestuur"
    KERNGROEP = "kerngroep"
    STUURGROEP = "stuurgroep"


def enum_check(column: str, enum: type[StrEnum], name: str) -> sa.CheckConstraint:
    """A CHECK constraint that keeps ``column`` within the values of ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)
