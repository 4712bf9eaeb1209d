"""Monitoring rules on governance (issue "Monitoring"): meeting cadence per body and of
the IMO, overdue action items, minutes not finalised, and the collaboration agreement
ending. Pure parts take plain values; the rule group is called by the sweep."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import ActionItem, ImoMeeting, Meeting, Site
from models.governance import ActionStatus, MeetingStatus
from services.governance import cadence
from services.governance.bodies import bodies_of_site
from services.governance.overview import site_governance
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.words import counted, month_name

MINUTES_GRACE_DAYS = 30
AGREEMENT_NOTICE_MONTHS = 6


def cadence_finding(subject: str, name: str, c: cadence.Cadence, link: str) -> Finding | None:
    """Behind (warning) or nothing planned in the window where a meeting is due (info)."""
    if c.status == cadence.BEHIND:
        return Finding("cadence", subject, "warning", f"{name} loopt achter met vergaderen",
                       f"{name} vergaderde dit jaar {c.held} keer; op dit moment hoort dat "
                       f"{c.expected} keer te zijn.", period=str(c.year), link=link,
                       figures={"held": c.held, "expected": c.expected})
    if c.status == cadence.NOTHING_PLANNED:
        return Finding("cadence", subject, "info", f"{name}: geen vergadering gepland",
                       f"In de huidige periode is voor {name} nog geen vergadering gepland, "
                       f"terwijl er een nodig is.", period=str(c.year), link=link,
                       figures={"held": c.held, "planned": c.planned})
    return None


def overdue_finding(subject: str, name: str, overdue: int, oldest: date | None,
                    link: str) -> Finding | None:
    if not overdue:
        return None
    return Finding("actions_overdue", subject, "warning" if overdue >= 3 else "info",
                   f"{name}: {counted(overdue, 'actiepunt', 'actiepunten')} over de datum",
                   f"{counted(overdue, 'open actiepunt', 'open actiepunten')} van {name} "
                   f"{'is' if overdue == 1 else 'zijn'} over de afgesproken datum; "
                   f"het oudste sinds {oldest.day} {month_name(oldest)}.", link=link,
                   figures={"overdue": overdue})


def minutes_finding(subject: str, name: str, unlocked: int, link: str) -> Finding | None:
    if not unlocked:
        return None
    return Finding("minutes_open", subject, "info",
                   f"{name}: {counted(unlocked, 'verslag', 'verslagen')} nog niet vastgesteld",
                   f"{counted(unlocked, 'vergadering', 'vergaderingen')} van {name} van meer "
                   f"dan {MINUTES_GRACE_DAYS} dagen geleden "
                   f"{'heeft' if unlocked == 1 else 'hebben'} nog geen vastgesteld verslag.",
                   link=link,
                   figures={"unlocked": unlocked})


def agreement_finding(title: str, ends_on: date, today: date, link: str,
                      months: int = AGREEMENT_NOTICE_MONTHS) -> Finding | None:
    """seed 004 "7. Financiering": agreements run 5-10 years; warn half a year before the end."""
    if not today <= ends_on <= today + relativedelta(months=months):
        return None
    return Finding("agreement_ending", "agreement", "warning",
                   f"Samenwerkingsovereenkomst loopt af op {ends_on:%d-%m-%Y}",
                   f"'{title}' eindigt binnen {months} maanden. Bespreek de verlenging in de "
                   f"stuurgroep.", period=str(ends_on.year), link=link,
                   figures={"ends_on": ends_on.isoformat()})


def governance_evaluations(session: Session, site: Site, today: date) -> list[Evaluation]:
    """Cadence of every body and the IMO, overdue actions, open minutes, agreement end."""
    base = f"/locaties/{site.id}/overleg"
    overview = site_governance(session, site, today)
    cadence_found = [cadence_finding(f"body:{row.body_id}" if row.body_id else "imo",
                                     row.name, row.cadence,
                                     f"{base}/{row.body_id}" if row.body_id
                                     else f"/locaties/{site.id}/imo/")
                     for row in overview.rows]
    cutoff = datetime.combine(today - timedelta(days=MINUTES_GRACE_DAYS), time.min,
                              tzinfo=timezone.utc)
    actions, minutes = [], []
    for body in bodies_of_site(session, site.id):
        overdue = list(session.scalars(sa.select(ActionItem.due_on).where(
            ActionItem.body_id == body.id, ActionItem.status == ActionStatus.OPEN,
            ActionItem.due_on < today)))
        actions.append(overdue_finding(f"body:{body.id}", body.name, len(overdue),
                                       min(overdue, default=None), f"{base}/{body.id}"))
        unlocked = session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(
            Meeting.body_id == body.id, Meeting.locked_at.is_(None),
            Meeting.status != MeetingStatus.AFGELAST,
            Meeting.starts_at < cutoff))
        minutes.append(minutes_finding(f"body:{body.id}", body.name, unlocked,
                                       f"{base}/{body.id}"))
    imo_open = session.scalar(sa.select(sa.func.count()).select_from(ImoMeeting).where(
        ImoMeeting.site_id == site.id, ImoMeeting.locked_at.is_(None),
        ImoMeeting.held_on < cutoff.date()))
    minutes.append(minutes_finding("imo", "IMO", imo_open, f"/locaties/{site.id}/imo/"))
    agreement = overview.agreement
    ending = agreement_finding(agreement.title, agreement.ends_on, today, f"/locaties/{site.id}/afspraken/") \
        if agreement and agreement.ends_on else None
    years = (str(today.year), str(today.year + 1))
    return [Evaluation("cadence", (str(today.year),), tuple(f for f in cadence_found if f)),
            Evaluation("actions_overdue", (ONGOING,), tuple(f for f in actions if f)),
            Evaluation("minutes_open", (ONGOING,), tuple(f for f in minutes if f)),
            Evaluation("agreement_ending", years, tuple(f for f in [ending] if f))]
