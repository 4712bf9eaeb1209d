"""Collaboration agreements (samenwerkingsovereenkomst / bestuurlijk akkoord, seed 004
"7. Financiering"): the parties and what each contributes per year in money or hours, for a term of
preferably 5-10 years. A shorter or longer term, and temporary money that stops before
the agreement ends, are signals only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import (AgreementKind, AgreementParty, Body, CollaborationAgreement, Organisation)
from models.governance import body_sites
from services import audit
from services.errors import N_, RuleViolation
from services.governance.bodies import site_id_of

ADVISED_YEARS = (5, 10)
SHORT, LONG = "kort", "lang"


def term_signal(starts_on: date, ends_on: date) -> str | None:
    """``"kort"`` under 5 years, ``"lang"`` over 10, else None (pure)."""
    low, high = ADVISED_YEARS
    if ends_on < starts_on + relativedelta(years=low):
        return SHORT
    if ends_on > starts_on + relativedelta(years=high):
        return LONG
    return None


@dataclass(frozen=True)
class AgreementData:
    kind: str
    title: str
    starts_on: date | None
    ends_on: date | None
    note: str | None = None


def create_agreement(session: Session, body: Body, data: AgreementData, *,
                     actor_id: int | None) -> CollaborationAgreement:
    if data.kind not in set(AgreementKind):
        raise RuleViolation(N_("Kies een soort overeenkomst."), field="kind")
    title = (data.title or "").strip()
    if not title:
        raise RuleViolation(N_("Vul een titel in."), field="title")
    if data.starts_on is None:
        raise RuleViolation(N_("Vul een geldige datum in."), field="starts_on")
    if data.ends_on is None or data.ends_on <= data.starts_on:
        raise RuleViolation(N_("De einddatum ligt na de begindatum."), field="ends_on")
    agreement = CollaborationAgreement(body_id=body.id, kind=data.kind, title=title,
                                       starts_on=data.starts_on, ends_on=data.ends_on,
                                       note=(data.note or "").strip() or None)
    session.add(agreement)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_agreement",
                 entity_id=agreement.id, action="create", site_id=site_id_of(body),
                 changes={"title": title, "starts_on": data.starts_on, "ends_on": data.ends_on})
    return agreement


def add_party(session: Session, agreement: CollaborationAgreement, *, organisation_id: int | None,
              contribution: str | None, money_per_year: Decimal | None,
              hours_per_year: Decimal | None, until_on: date | None,
              actor_id: int | None) -> AgreementParty:
    """A party with its yearly contribution in money and/or hours."""
    if organisation_id is None or session.get(Organisation, organisation_id) is None:
        raise RuleViolation(N_("Kies een organisatie."), field="organisation_id")
    if any(p.organisation_id == organisation_id for p in agreement.parties):
        raise RuleViolation(N_("Deze organisatie is al partij."), field="organisation_id")
    if money_per_year is None and hours_per_year is None:
        raise RuleViolation(N_("Vul een bijdrage in geld of in uren per jaar in."),
                            field="money_per_year")
    if any(v is not None and v < 0 for v in (money_per_year, hours_per_year)):
        raise RuleViolation(N_("Een bijdrage is niet negatief."), field="money_per_year")
    if until_on is not None and not agreement.starts_on < until_on <= agreement.ends_on:
        raise RuleViolation(N_("Tijdelijk geld loopt af binnen de looptijd van de "
                               "overeenkomst."), field="until_on")
    party = AgreementParty(organisation_id=organisation_id,
                           contribution=(contribution or "").strip() or None,
                           money_per_year=money_per_year, hours_per_year=hours_per_year,
                           until_on=until_on)
    agreement.parties.append(party)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="gov_agreement",
                 entity_id=agreement.id, action="add_party",
                 site_id=site_id_of(agreement.body), changes={"organisation_id": organisation_id})
    return party


def agreements_of_site(session: Session, site_id: int) -> list[CollaborationAgreement]:
    """The agreements of the bodies spanning the site, latest end first."""
    return list(session.scalars(
        sa.select(CollaborationAgreement).join(Body)
        .join(body_sites, body_sites.c.body_id == Body.id)
        .where(body_sites.c.site_id == site_id)
        .order_by(CollaborationAgreement.ends_on.desc(), CollaborationAgreement.id)))


def current_agreement(session: Session, site_id: int, today: date
                      ) -> CollaborationAgreement | None:
    """The agreement in force today, else the one that ended last (or starts next)."""
    found = agreements_of_site(session, site_id)
    running = [a for a in found if a.starts_on <= today < a.ends_on]
    return (running or found or [None])[0]


def totals(agreement: CollaborationAgreement) -> tuple[Decimal, Decimal]:
    """Money and hours per year over all parties."""
    return (sum((p.money_per_year or Decimal(0) for p in agreement.parties), Decimal(0)),
            sum((p.hours_per_year or Decimal(0) for p in agreement.parties), Decimal(0)))


def temporary_money(agreement: CollaborationAgreement) -> list[AgreementParty]:
    """Contributions that stop before the agreement ends, soonest first."""
    return sorted((p for p in agreement.parties
                   if p.until_on is not None and p.until_on < agreement.ends_on),
                  key=lambda p: p.until_on)
