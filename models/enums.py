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
    TOELATINGSCOMMISSIE = "toelatingscommissie"


def enum_check(column: str, enum: type[StrEnum], name: str) -> sa.CheckConstraint:
    """A CHECK constraint that keeps ``column`` within the values of ``enum``."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return sa.CheckConstraint(f"{column} IN ({values})", name=name)


class IntakeRoute(StrEnum):
    """How a candidate reaches the IMO (seed 004 "2. Passende mix - IMO")."""

    ZORGAANBIEDER = "zorgaanbieder"      # begeleid, proposed by a partner care organisation
    SELECTIE = "selectie"                # onbegeleid, selected by residents and corporation
    COOPTATIE = "cooptatie"              # proposed by the woonvereniging


class CandidateStatus(StrEnum):
    AANGEMELD = "aangemeld"
    IN_BESPREKING = "in_bespreking"
    ADVIES_GEGEVEN = "advies_gegeven"
    BESLUIT_CORPORATIE = "besluit_corporatie"
    GEPLAATST = "geplaatst"
    AFGEWEZEN = "afgewezen"
    TERUGGETROKKEN = "teruggetrokken"
    AANGEHOUDEN = "aangehouden"


class Advice(StrEnum):
    POSITIEF = "positief"
    ONDER_VOORWAARDEN = "positief_onder_voorwaarden"
    NEGATIEF = "negatief"


class Decision(StrEnum):
    TOEWIJZEN = "toewijzen"
    AFWIJZEN = "afwijzen"
    AANHOUDEN = "aanhouden"


class Presence(StrEnum):
    AANWEZIG = "aanwezig"
    MET_BERICHT = "afwezig_met_bericht"
    AFWEZIG = "afwezig"
