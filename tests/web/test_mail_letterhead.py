"""Every kind of mail says where it comes from and why it came, checked on the message
as the SMTP server receives it: From "Noaber · <site>" with the configured address,
Reply-To the site's contact (the sociaal beheerder; the treasurer for a dues reminder)
where there is one, and a footer naming the site and its organisation with the link to
the preferences, or saying that a security mail cannot be switched off."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.auth import mails
from app.jobs import send_outbox
from models import OutgoingMail, Site, User, db
from services import invitations
from services.association import reminders
from services.monitoring.digest import write_digests
from services.notify import events, preferences
from services.notify.events import Context
from services.privacy.roleless import _mail as roleless_mail
from services.rooms import requests as request_service
from services.rooms.bookings import BookingData
from tests.conftest import ROLE_EMAILS, TODAY
from tests.association_fixtures import make_association
from tests.rooms_fixtures import NOW, book, make_room, requester
from tests.web.mail_support import BASE, html_of, smtp, text_of, to  # noqa: F401

SITE_SENDER = "Noaber · Het Hofje"
SB = ROLE_EMAILS["sociaal_beheerder"]
PREFERENCES = f"{BASE}/profiel#h-notify"
FROM_SITE = "Dit bericht komt van Noaber voor Het Hofje (Woonstichting Test)."
SECURITY = "zulke berichten kunt u niet uitzetten"


def sender(message) -> tuple[str, str]:
    [address] = message["From"].addresses
    return address.display_name, address.addr_spec


def reply_to(message) -> str | None:
    return str(message["Reply-To"]) if message["Reply-To"] is not None else None


def footer(message) -> str:
    """The text under the signature separator."""
    body = text_of(message).replace("\r\n", "\n")
    assert "\n-- \n" in body, body
    return body.split("\n-- \n", 1)[1]


def ctx():
    return Context(base_url=BASE, now=NOW, sender="noaber@localhost")


def _booking(app, world, who: str) -> str:
    with app.app_context():
        room = make_room(db.session, db.session.get(Site, world.site))
        series = book(db.session, room, date(2026, 7, 2), time(10), time(11),
                      title="Koffie", by=db.session.get(User, world.users[who]))
        events.booking_made(db.session, series, ctx())
        db.session.commit()
    return ROLE_EMAILS[who]


def _request(app, world) -> str:
    with app.app_context():
        room = make_room(db.session, db.session.get(Site, world.site))
        asked = request_service.submit(db.session, room, requester(), BookingData(
            "Energieavond", date(2026, 6, 24), time(19), time(21)), today=TODAY, now=NOW)
        events.request_received(db.session, asked, ctx())
        db.session.commit()
    return "karel@buurtkracht.example"


def _digest(app, world, who: str) -> str:
    """A booking told in the week's digest (the booker's choice)."""
    with app.app_context():
        user = db.session.get(User, world.users[who])
        preferences.save(db.session, user, {**preferences.preferences_of(db.session, user),
                                            "rooms": "digest"})
        db.session.commit()
    _booking(app, world, who)
    with app.app_context():
        write_digests(db.session, TODAY, NOW, BASE)
        db.session.commit()
    return ROLE_EMAILS[who]


def _password_reset(app, world, who: str) -> str:
    with app.test_request_context():
        mails.password_reset(db.session.get(User, world.users[who]), f"{BASE}/x")
        db.session.commit()
    return ROLE_EMAILS[who]


def _invitation(app, world) -> str:
    with app.test_request_context():
        actor = db.session.get(User, world.users["sociaal_beheerder"])
        invitation = invitations.invite(db.session, actor, invitations.InvitationData(
            "nieuw@hofje.example", "Nieuw Lid", world.site, ["communitycoach"], None),
            now=NOW, valid_for=timedelta(days=7))
        mails.invitation(invitation, f"{BASE}/x")
        db.session.commit()
    return "nieuw@hofje.example"


def _reminder(app, world) -> str:
    ids = make_association(app, world)
    with app.app_context():
        association = world.orgs["vereniging"]
        [made] = reminders.draft(db.session, association, [ids["member_vrij1"]], today=TODAY,
                                 actor_id=None)
        reminders.approve(db.session, association, [made.id], now=NOW,
                          actor_id=world.users["bestuur"])
        db.session.commit()
    return "vera@bewoner.example"


def _roleless(app, world) -> str:
    with app.app_context():
        db.session.add(roleless_mail(db.session.get(User, world.users["none"])))
        db.session.commit()
    return ROLE_EMAILS["none"]


# kind -> (queue it, display name, Reply-To, lines the footer must have)
KINDS = {
    "notification": (lambda app, w: _booking(app, w, "bestuur"), SITE_SENDER, SB,
                     [FROM_SITE, f"profielpagina: {PREFERENCES}", "Vragen? Beantwoord"]),
    "notification to the contact": (lambda app, w: _booking(app, w, "sociaal_beheerder"),
                                    SITE_SENDER, None, [FROM_SITE, PREFERENCES]),
    "external request": (_request, SITE_SENDER, SB,
                         [FROM_SITE, "omdat u de ruimte hebt aangevraagd"]),
    "digest": (lambda app, w: _digest(app, w, "communitycoach"), SITE_SENDER, SB,
               [FROM_SITE, PREFERENCES]),
    "digest of several sites": (lambda app, w: _digest(app, w, "admin"), "Noaber", None,
                                ["het systeem van uw woonproject", PREFERENCES]),
    "password reset": (lambda app, w: _password_reset(app, w, "kerngroep"), SITE_SENDER, SB,
                       [FROM_SITE, SECURITY]),
    "password reset without a site": (lambda app, w: _password_reset(app, w, "none"),
                                      "Noaber", None, [SECURITY]),
    "invitation": (_invitation, SITE_SENDER, SB, [FROM_SITE, SECURITY]),
    "dues reminder": (_reminder, SITE_SENDER, ROLE_EMAILS["bestuur"],
                      ["Noaber voor Het Hofje (Bewonersvereniging Test)", "Vragen?"]),
    "account switched off": (_roleless, "Noaber", None, [SECURITY]),
}


@pytest.mark.parametrize("kind", KINDS)
def test_sender_reply_to_and_footer(app, world, smtp, kind):
    queue, name, answer, lines = KINDS[kind]
    address = queue(app, world)
    send_outbox(app)
    [message] = to(smtp, address)
    assert sender(message) == (name, "noaber@localhost")
    assert reply_to(message) == answer
    text = footer(message)
    for line in lines:
        assert line in text, (line, text)
    if PREFERENCES not in lines and f"profielpagina: {PREFERENCES}" not in lines:
        assert PREFERENCES not in text                 # no preferences to change
    if SECURITY not in lines:
        assert SECURITY not in text
    if message.get_body(("html",)) is not None and PREFERENCES in text:
        assert f'<a href="{PREFERENCES}">' in html_of(message)
