"""The e-mail digest: per person, the open signals their roles may see."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import OutgoingMail, Signal, Site, User
from services.accounts import site_access, visible_sites
from services.monitoring.signals import SEVERITY_ORDER, visible
from services.notify import waiting_for_digest
from services.notify.letterhead import PREFERENCES, only_site, origin_of, stamp

SEVERITY_NL = {"critical": "Urgent", "warning": "Let op", "info": "Ter info"}
#: the heading of the installation's own signals in an administrator's digest
INSTALLATION = SimpleNamespace(id=None, name="Noaber zelf (planner en e-mail)")


def week_period(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest_for(session: Session, user: User, since: datetime) -> list[tuple[Site, list[Signal]]]:
    """Per site, the open signals ``user`` may see, new ones (since ``since``) first; for
    an administrator first the installation's own (the scheduler, the outbox)."""
    found = []
    if user.is_admin:
        own = list(session.scalars(sa.select(Signal).where(
            Signal.site_id.is_(None), Signal.state == "open")))
        if own:
            own.sort(key=lambda s: (s.created_at < since, SEVERITY_ORDER[s.severity], s.title))
            found.append((INSTALLATION, own))
    for site in visible_sites(session, user):
        access = site_access(user, site.id)
        signals = [s for s in session.scalars(sa.select(Signal).where(
            Signal.site_id == site.id, Signal.state == "open")) if visible(access, s.audience)]
        if signals:
            signals.sort(key=lambda s: (s.created_at < since, SEVERITY_ORDER[s.severity],
                                        s.title))
            found.append((site, signals))
    return found


def render(user: User, sections, since: datetime, base_url: str,
           notes: list | None = None) -> tuple[str, str]:
    """Subject and plain-text body, in Dutch; ``notes`` are the notifications the user
    chose to get in the digest (services.notify)."""
    notes = notes or []
    total = sum(len(signals) for _site, signals in sections)
    lines = [f"Beste {user.name},", ""]
    if total:
        lines += [f"Er {'staat' if total == 1 else 'staan'} {total} open "
                  f"signa{'al' if total == 1 else 'len'} voor u klaar in Noaber.", ""]
    if notes:
        lines.append("== Berichten van deze week ==")
        for note in notes:
            lines.append(f"- {note.summary}")
            if note.link:
                lines.append(f"  {base_url.rstrip('/')}{note.link}")
        lines.append("")
    if not total:
        return f"Noaber: {len(notes)} bericht{'' if len(notes) == 1 else 'en'} van deze " \
               "week", "\n".join(lines + ["U ontvangt dit overzicht wekelijks; kies op uw "
                                           "profielpagina welke berichten erin staan.",
                                           "Noaber"])
    for site, signals in sections:
        lines.append(f"== {site.name} ==")
        for s in signals:
            new = " (nieuw)" if s.created_at >= since else ""
            lines.append(f"- {SEVERITY_NL[s.severity]}: {s.title}{new}")
            lines.append(f"  {s.explanation}")
            if s.link:
                lines.append(f"  {base_url.rstrip('/')}{s.link}")
        lines.append("")
    where = "deze locatie" if len(sections) == 1 else "deze locaties"
    lines += [f"U ontvangt dit overzicht wekelijks omdat u een rol hebt op {where}.",
              "Noaber"]
    return f"Noaber: {total} open signa{'al' if total == 1 else 'len'}", "\n".join(lines)


def write_digests(session: Session, today: date, now: datetime, base_url: str) -> dict:
    """Put this week's digest of every active user with open visible signals in the
    outbox (once per user per week: the outbox key makes a rerun a no-op)."""
    period = week_period(today)
    already = set(session.scalars(sa.select(OutgoingMail.recipient_id).where(
        OutgoingMail.kind == "digest", OutgoingMail.period == period)))
    since = now - timedelta(days=7)
    counts: dict = defaultdict(int)
    for user in session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
        if user.id in already:
            counts["already"] += 1
            continue
        sections = digest_for(session, user, since)
        notes = waiting_for_digest(session, user.id) if (user.email or "").strip() else []
        if not sections and not notes:
            continue
        subject, body = render(user, sections, since, base_url, notes)
        origin = origin_of(session, only_site(visible_sites(session, user)))
        session.add(stamp(OutgoingMail(recipient_id=user.id, kind="digest", period=period,
                                       to_address=user.email, subject=subject, body=body),
                          origin, PREFERENCES, base_url))
        for note in notes:
            note.digest_period = period
        counts["queued"] += 1
    session.flush()
    return dict(counts)
