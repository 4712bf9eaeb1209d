"""Monitoring rule of the IMO: candidates on the waiting list to invite to an activity
(the seed's tip: within half a year before a possible placement; see
:func:`services.imo.rules.should_invite`). One signal per site, with the count and no
names, for the IMO's members (who see the waiting list); the sweep calls
:func:`imo_evaluations`."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Site
from services.imo.candidates import waiting_list
from services.imo.rules import ACTIVITY_WINDOW_MONTHS, WAITING_MONTHS
from services.monitoring.findings import ONGOING, Evaluation, Finding


def invitation_finding(due: int, link: str) -> Finding | None:
    if not due:
        return None
    who = "1 kandidaat wacht" if due == 1 else f"{due} kandidaten wachten"
    return Finding(
        rule="imo_invite", subject="invite", severity="info", audience="imo", link=link,
        title=f"{who} zonder recente activiteit: nodig uit",
        explanation=(f"Al {WAITING_MONTHS} maanden of langer op de wachtlijst en geen "
                     f"informatieavond of activiteit in de laatste {ACTIVITY_WINDOW_MONTHS} "
                     "maanden. Nodig ze uit voor een activiteit: zo leren ze de buurt kennen "
                     "voordat een woning vrijkomt."),
        figures={"candidates": due})


def imo_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    due = sum(row.invite for row in waiting_list(session, site.id, today))
    finding = invitation_finding(due, f"/locaties/{site.id}/imo/")
    return [Evaluation("imo_invite", (ONGOING,), tuple(f for f in [finding] if f))]
