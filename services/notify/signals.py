"""Urgent signals at once: a signal of high severity goes by mail, when it is raised, to
each person who may act on it; every other signal waits for the weekly digest.

"High" is ``critical`` only (:data:`AT_ONCE`). A warning is a rule of thumb drifting
(the mix out of its band, hours under the norm, a room hardly used, a board seat empty):
something to discuss within the week, as the digest does. Mailing each warning at once
would also send a new site a dozen mails on its first sweep.

Who is told: on a site, the people with a current role there who may take the signal up
(:func:`services.monitoring.signals.may_act`: the sociaal beheerder, the coach and the
kerngroep on what they see, the bestuur on the association's own signals, a begeleider
on their organisation's 10%), and for the installation's own signals (the scheduler,
the outbox) the administrators. Each chooses on the profile page: at once (the default),
or not (the signal is then only in the digest, like any open signal).

Once per signal and occurrence: the dedupe key names the signal and the moment it was
raised (:class:`services.monitoring.signals.Raised`), so a rerun of the job, or a signal
found again while it is still open, sends nothing; a signal that cleared and comes back
is a new occurrence and is told again. The mail says what the digest says about the
signal (its title and explanation, written by the rule for the audience that may see
it, with the published figures for the mix): never a resident's care data.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Membership, Site, User
from services.accounts import site_access
from services.monitoring.digest import SEVERITY_NL
from services.monitoring.signals import Raised, may_act
from services.notify import Message, notify_all
from services.notify.letterhead import Origin, origin_of
from services.notify.preferences import SIGNALS

#: the severities that are mailed at once
AT_ONCE = frozenset({"critical"})
INSTALLATION_PAGE = "/beheer/taken"


def acting_users(session: Session, site_id: int | None, audience: str,
                 today: date) -> list[User]:
    """The active people who may act on a signal of ``audience`` on the site (None: the
    installation's administrators)."""
    if site_id is None:
        return list(session.scalars(sa.select(User).where(
            User.active.is_(True), User.is_admin.is_(True)).order_by(User.id)))
    holders = sa.select(Membership.user_id).where(
        Membership.site_id == site_id,
        sa.or_(Membership.ends_on.is_(None), Membership.ends_on >= today))
    users = session.scalars(sa.select(User).where(User.active.is_(True),
                                                  User.id.in_(holders)).order_by(User.id))
    return [u for u in users if may_act(site_access(u, site_id, today), audience)]


def _message(signal, site: Site | None, origin: Origin) -> Message:
    where = site.name if site is not None else "Noaber zelf"
    link = signal.link or (f"/locaties/{site.id}/signalen" if site is not None
                           else INSTALLATION_PAGE)
    return Message(subject=f"{SEVERITY_NL[signal.severity]}: {signal.title}",
                   paragraphs=[f"Er is een urgent signaal voor {where}:", signal.title,
                               signal.explanation],
                   link=link, link_label="Naar het signaal",
                   after=["Pak het op of los het op in Noaber; de andere signalen krijgt u "
                          "in het wekelijkse overzicht."],
                   summary=f"{SEVERITY_NL[signal.severity]}: {signal.title}", origin=origin)


def tell(session: Session, raised: list[Raised], *, today: date, base_url: str) -> int:
    """Mail each raised signal of high severity to who may act on it and wants it at
    once; returns how many mails were queued."""
    session.flush()   # new signals get their ids
    told = 0
    for item in raised:
        signal = item.signal
        if signal.severity not in AT_ONCE or signal.state != "open":
            continue
        site = session.get(Site, signal.site_id) if signal.site_id is not None else None
        message = _message(signal, site, origin_of(session, site))
        told += sum(note.delivery == "now" for note in notify_all(
            session, acting_users(session, signal.site_id, signal.audience, today), SIGNALS,
            f"signal:{signal.id}:{item.occurrence}", message, base_url=base_url))
    return told
