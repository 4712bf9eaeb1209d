"""The account mails (an invitation, a password reset, an address change): plain text
with an HTML alternative, written to the outbox and sent by the scheduler's outbox round.

Links point at ``BASE_URL`` (never at the Host header of the request that caused the
mail, which a visitor chooses). The mails name the account and the link only: no roles'
details, nothing about residents or their support.
"""
from __future__ import annotations

import secrets

from flask import current_app, url_for
from flask_babel import force_locale, gettext as _
from markupsafe import Markup, escape

from models import OutgoingMail, User, db
from services.notify.letterhead import SECURITY, only_site, origin_of, stamp


def link(endpoint: str, **values) -> str:
    """An absolute link to ``endpoint`` on this installation's ``BASE_URL``."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def compose(greeting: str, paragraphs: list[str], action: tuple[str, str] | None = None,
            after: list[str] | None = None) -> tuple[str, str]:
    """The plain text and the HTML of a mail: a greeting, paragraphs, an optional link
    (label, URL) and paragraphs after it, signed "Noaber"."""
    after = after or []
    lines = [greeting, "", *[p + "\n" for p in paragraphs]]
    html = [f"<p>{escape(greeting)}</p>", *[f"<p>{escape(p)}</p>" for p in paragraphs]]
    if action:
        label, url = action
        lines += [f"{label}:", url, ""]
        html.append(f'<p><a href="{escape(url)}">{escape(label)}</a></p>'
                    f'<p style="font-size:small">{escape(url)}</p>')
    lines += [*[p + "\n" for p in after], "Noaber"]
    html += [*[f"<p>{escape(p)}</p>" for p in after], "<p>Noaber</p>"]
    body = "\n".join(lines)
    page = Markup('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head>'
                  '<body>{}</body></html>').format(Markup("".join(html)))
    return body, str(page)


def queue(*, recipient_id: int, kind: str, to: str, subject: str, body: str,
          html: str, sites=(), locale: str = "nl") -> OutgoingMail:
    """Put one mail in the outbox (the caller commits), from the one site of ``sites``
    (else from Noaber itself), with the footer of a security mail in ``locale``."""
    mail = OutgoingMail(recipient_id=recipient_id, kind=kind, period=secrets.token_hex(8),
                        to_address=to, subject=subject, body=body, html_body=html)
    origin = origin_of(db.session, only_site(sites))
    with force_locale(locale):
        stamp(mail, origin, SECURITY, current_app.config["BASE_URL"],
              translate=lambda line: _(line.msgid, **line.values))
    db.session.add(mail)
    return mail


def sites_of(user: User) -> list:
    return [m.site for m in user.memberships]


def _hours(minutes: int) -> str:
    return _("%(n)s minuten", n=minutes) if minutes < 120 else _("%(n)s uur", n=minutes // 60)


def password_reset(user: User, url: str) -> OutgoingMail:
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    with force_locale(user.locale or "nl"):
        body, html = compose(
            _("Beste %(name)s,", name=user.name),
            [_("Iemand (hopelijk u) heeft gevraagd om het wachtwoord van uw Noaber-account "
               "%(email)s opnieuw in te stellen.", email=user.email),
             _("Met de link hieronder kiest u een nieuw wachtwoord. De link werkt één keer "
               "en is %(duration)s geldig. Daarna wordt u overal uitgelogd.",
               duration=_hours(minutes))],
            (_("Nieuw wachtwoord kiezen"), url),
            [_("Hebt u dit niet gevraagd? Dan kunt u deze e-mail negeren: uw wachtwoord "
               "blijft hetzelfde.")])
        subject = _("Noaber: nieuw wachtwoord kiezen")
    return queue(recipient_id=user.id, kind="password_reset", to=user.email,
                 subject=subject, body=body, html=html, sites=sites_of(user),
                 locale=user.locale or "nl")


def invitation(invitation, url: str) -> OutgoingMail:
    inviter = invitation.invited_by
    with force_locale("nl"):
        body, html = compose(
            _("Beste %(name)s,", name=invitation.name),
            [_("%(inviter)s nodigt u uit voor Noaber, het systeem van uw woonproject.",
               inviter=inviter.name),
             _("Met de link hieronder kiest u zelf een wachtwoord; daarna bent u meteen "
               "ingelogd. De link werkt één keer en is geldig tot %(date)s.",
               date=invitation.expires_at.astimezone(_amsterdam()).strftime("%d-%m-%Y %H:%M"))],
            (_("Account aanmaken"), url),
            [_("Werkt de link niet meer? Vraag %(inviter)s (%(email)s) om een nieuwe "
               "uitnodiging.", inviter=inviter.name, email=inviter.email)])
        subject = _("Uitnodiging voor Noaber")
    return queue(recipient_id=inviter.id, kind="invitation", to=invitation.email,
                 subject=subject, body=body, html=html,
                 sites=[role.site for role in invitation.roles])


def role_given(user: User, site, roles: list[str], giver: User, ends_on) -> OutgoingMail:
    """Tells an existing account that it was given a role on a site (an address without
    an account gets an invitation instead). Names the site, the role and who gave it; no
    care data."""
    from services.access_review import ROLE_LABELS

    with force_locale(user.locale or "nl"):
        labels = ", ".join(_(ROLE_LABELS.get(r, r)) for r in roles)
        until = (_("De rol geldt tot en met %(date)s.", date=ends_on.strftime("%d-%m-%Y"))
                 if ends_on else None)
        body, html = compose(
            _("Beste %(name)s,", name=user.name),
            [_("%(giver)s heeft u in Noaber de rol %(roles)s gegeven op %(site)s.",
               giver=giver.name, roles=labels, site=site.name),
             *([until] if until else []),
             _("U logt in zoals altijd; de pagina's van deze rol staan dan onder Mijn werk.")],
            (_("Naar Mijn werk op %(site)s", site=site.name),
             link("start.site", site_id=site.id)),
            [_("Klopt dit niet? Vraag %(giver)s (%(email)s) of een beheerder om de rol te "
               "beëindigen.", giver=giver.name, email=giver.email)])
        subject = _("Noaber: u hebt een rol op %(site)s", site=site.name)
    return queue(recipient_id=user.id, kind="role_given", to=user.email, subject=subject,
                 body=body, html=html, sites=[site], locale=user.locale or "nl")


def email_change(user: User, new_email: str, url: str) -> OutgoingMail:
    hours = current_app.config["EMAIL_CHANGE_HOURS"]
    with force_locale(user.locale or "nl"):
        body, html = compose(
            _("Beste %(name)s,", name=user.name),
            [_("U hebt gevraagd om het e-mailadres van uw Noaber-account te wijzigen in "
               "%(email)s. Bevestig met de link hieronder dat dit adres van u is.",
               email=new_email),
             _("De link werkt één keer en is %(hours)s uur geldig.", hours=hours)],
            (_("E-mailadres bevestigen"), url),
            [_("Hebt u dit niet gevraagd? Dan kunt u deze e-mail negeren.")])
        subject = _("Noaber: bevestig uw nieuwe e-mailadres")
    return queue(recipient_id=user.id, kind="email_change", to=new_email, subject=subject,
                 body=body, html=html, sites=sites_of(user), locale=user.locale or "nl")


def email_changed_notice(user: User, old_email: str) -> OutgoingMail:
    with force_locale(user.locale or "nl"):
        body, html = compose(
            _("Beste %(name)s,", name=user.name),
            [_("Het e-mailadres van uw Noaber-account is gewijzigd van %(old)s in %(new)s. "
               "Berichten van Noaber gaan voortaan naar het nieuwe adres.",
               old=old_email, new=user.email),
             _("Hebt u dit niet zelf gedaan? Neem dan meteen contact op met de beheerder "
               "van Noaber in uw woonproject.")])
        subject = _("Noaber: uw e-mailadres is gewijzigd")
    return queue(recipient_id=user.id, kind="email_changed", to=old_email, subject=subject,
                 body=body, html=html, sites=sites_of(user), locale=user.locale or "nl")


def _amsterdam():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")
