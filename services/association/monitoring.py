"""Monitoring rules of the woonvereniging (run by the sweep for each site with one):

* ``dues_overdue`` (for the bestuur): households with dues open after their due date,
  as a count and a total (no names); a warning when someone is more than 90 days late;
* ``board_vacancy`` (for everyone on the site): an office of the board without a holder,
  once the association keeps its board in Noaber (any office ever recorded);
* ``grant_ending`` (for everyone on the site): a fund or subsidy that ends within six
  months (seed 004 "7. Financiering": temporary money runs out and must be watched).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from models import Site
from services.association import board, grants, reminders
from services.association.money import euro
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.words import counted, long_date

LATE_DAYS = 90


def dues_finding(name: str, households: int, total, oldest: date | None, today: date,
                 link: str) -> Finding | None:
    """Overdue dues as one finding for the board (pure)."""
    if households == 0:
        return None
    late = oldest is not None and oldest < today - timedelta(days=LATE_DAYS)
    return Finding(
        rule="dues_overdue", subject="association", severity="warning" if late else "info",
        title=(f"Contributie {name}: {counted(households, 'huishouden', 'huishoudens')} "
               "met een achterstand"),
        explanation=(f"Samen staat er {euro(total)} open na de betaaldatum"
                     + (f", het oudste sinds {long_date(oldest)}" if oldest else "")
                     + ". Bekijk de achterstanden en stuur zo nodig een vriendelijke "
                       "herinnering."),
        audience="bestuur", link=link, figures={"households": households,
                                                "total": str(total)})


def vacancy_finding(name: str, office: str, link: str) -> Finding:
    return Finding(
        rule="board_vacancy", subject=f"office:{office}", severity="warning",
        title=f"{name}: geen {office}",
        explanation=(f"De functie van {office} in het bestuur is niet bezet. "
                     "Een vereniging heeft een voorzitter, secretaris en penningmeester; "
                     "zoek samen met de leden een opvolger en schrijf die in bij de KvK."),
        link=link)


def grant_finding(grant, today: date, link: str) -> Finding:
    days = (grant.ends_on - today).days
    return Finding(
        rule="grant_ending", subject=f"grant:{grant.id}",
        severity="warning" if days <= 90 else "info",
        title=f"{grant.name} ({grant.funder}) loopt af op {long_date(grant.ends_on)}",
        explanation=(f"{euro(grant.amount)} voor {grant.purpose}. Vraag op tijd een vervolg "
                     "aan of plan hoe het daarna betaald wordt."),
        link=link, figures={"days_left": days})


def association_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    if site.association_id is None:
        return []
    association_id, name = site.association_id, site.association.name
    base = f"/locaties/{site.id}/vereniging"
    late = reminders.overdue(session, association_id, today)
    dues = dues_finding(name, len(late), sum(r.overdue for r in late),
                        min((r.since for r in late), default=None), today,
                        f"{base}/achterstanden")
    vacant = [vacancy_finding(name, office, f"{base}/bestuur")
              for office in board.vacancies(session, association_id, today)] \
        if board.offices(session, association_id) else []
    ending = [grant_finding(row.grant, today, f"{base}/fondsen")
              for row in grants.grant_rows(session, association_id, today) if row.ending_soon]
    return [Evaluation("dues_overdue", (ONGOING,), tuple(f for f in [dues] if f)),
            Evaluation("board_vacancy", (ONGOING,), tuple(vacant)),
            Evaluation("grant_ending", (ONGOING,), tuple(ending))]
