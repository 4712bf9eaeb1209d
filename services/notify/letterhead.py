"""Who a mail comes from and why the recipient gets it: the sender's display name, the
Reply-To and the footer of every mail in the outbox.

* From: ``Noaber · <site>`` with the configured address (``MAIL_FROM``); plain
  ``Noaber`` for a mail about no one site (a password reset, a digest of several sites).
* Reply-To: the site's contact, its sociaal beheerder (the one who has held the role
  longest, when there are several), so an answer reaches a person and not the
  unattended sender address; none where there is no site or no sociaal beheerder with
  an address, nor when the mail goes to that person. A dues reminder is answered by the
  treasurer who approved it.
* The footer names the site and its organisation (the woningcorporatie; for a dues
  reminder the woonvereniging) and says why the mail came: a notification or digest
  links to the preferences on the profile page; a security mail (an invitation, a
  password reset, an address change, an account switched off) says it cannot be
  switched off; an external requester and a member household have no account and no
  preferences.

The footer is made of msgids (:data:`N_`) with their values, so the account mails can
show it in the recipient's language; the other mails are Dutch (:func:`dutch`).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from models import Membership, OutgoingMail, Site, User
from models.enums import Role
from services.errors import N_

PREFERENCES, SECURITY, REQUESTER, REMINDER = "preferences", "security", "requester", "reminder"
PREFERENCES_PATH = "/profiel#h-notify"
SEPARATOR = "-- "   # the usual signature separator: mail programs grey out what follows


@dataclass(frozen=True)
class Origin:
    site: str | None = None
    organisation: str | None = None
    reply_to: str | None = None

    @property
    def sender_name(self) -> str:
        return f"Noaber · {self.site}" if self.site else "Noaber"


INSTALLATION = Origin()


def contact_of(session: Session, site: Site) -> str | None:
    """The address of the site's sociaal beheerder who has held the role longest."""
    return session.scalar(
        sa.select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.site_id == site.id, Membership.role == Role.SOCIAAL_BEHEERDER,
               Membership.ends_on.is_(None), User.active.is_(True), User.email != "")
        .order_by(Membership.id).limit(1))


def origin_of(session: Session, site: Site | None, *, organisation: str | None = None,
              reply_to: str | None = None) -> Origin:
    """The origin of a mail about ``site`` (None: about no one site); ``organisation``
    and ``reply_to`` replace the corporation and the sociaal beheerder."""
    if site is None:
        return Origin(None, organisation, reply_to) if organisation or reply_to \
            else INSTALLATION
    corporation = site.corporation.name if site.corporation is not None else None
    return Origin(site.name, organisation or corporation,
                  reply_to or contact_of(session, site))


def only_site(sites) -> Site | None:
    """The one site of a mail about ``sites``; None when there are none or several."""
    distinct = {s.id: s for s in sites if s is not None and s.id is not None}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


@dataclass(frozen=True)
class Line:
    """One footer line: a msgid with its values, and where its ``link`` value points."""

    msgid: str
    values: dict
    url: str | None = None


def footer(origin: Origin, reason: str, base_url: str, replies: bool = False) -> list[Line]:
    """The lines under a mail: where it comes from, why it came and (``replies``) that
    an answer reaches a person."""
    if origin.site and origin.organisation:
        lines = [Line(N_("Dit bericht komt van Noaber voor %(site)s (%(organisation)s)."),
                      {"site": origin.site, "organisation": origin.organisation})]
    elif origin.site or origin.organisation:
        lines = [Line(N_("Dit bericht komt van Noaber voor %(site)s."),
                      {"site": origin.site or origin.organisation})]
    else:
        lines = [Line(N_("Dit bericht komt van Noaber, het systeem van uw woonproject."), {})]
    if reason == PREFERENCES:
        url = base_url.rstrip("/") + PREFERENCES_PATH
        lines.append(Line(N_("Welke berichten u krijgt en wanneer, kiest u op uw "
                             "profielpagina: %(link)s"), {"link": url}, url))
    elif reason == SECURITY:
        lines.append(Line(N_("Dit is een bericht over de beveiliging van uw account; zulke "
                             "berichten kunt u niet uitzetten."), {}))
    elif reason == REQUESTER:
        lines.append(Line(N_("U krijgt dit bericht omdat u de ruimte hebt aangevraagd; "
                             "andere berichten krijgt u niet."), {}))
    if replies:
        lines.append(Line(N_("Vragen? Beantwoord deze e-mail."), {}))
    return lines


def dutch(line: Line) -> str:
    return line.msgid % line.values if line.values else line.msgid


def stamp(mail: OutgoingMail, origin: Origin, reason: str, base_url: str,
          translate=dutch) -> OutgoingMail:
    """Give ``mail`` its sender name, Reply-To and footer (``reason``: why it came;
    ``translate`` turns a :class:`Line` into text)."""
    mail.sender_name = origin.sender_name[:120]
    reply = (origin.reply_to or "").strip()
    mail.reply_to = reply if reply and reply.lower() != (mail.to_address or "").lower() \
        else None
    lines = footer(origin, reason, base_url, replies=mail.reply_to is not None)
    texts = [translate(line) for line in lines]
    mail.body = "\n".join([mail.body.rstrip("\n"), "", SEPARATOR, *texts])
    if mail.html_body:
        html = []
        for line, text in zip(lines, texts):
            if line.url:
                label = escape(text).replace(escape(line.url), Markup(
                    '<a href="{0}">{0}</a>').format(line.url))
                html.append(f"<p>{label}</p>")
            else:
                html.append(f"<p>{escape(text)}</p>")
        block = '<hr><div style="font-size:small;color:#555">' + "".join(html) + "</div>"
        mail.html_body = mail.html_body.replace("</body>", block + "</body>", 1)
    return mail
