"""In headless Chromium, with the mail read from a real SMTP server (aiosmtpd on
127.0.0.1): a sociaal beheerder invites a new coach, who follows the link in the mail,
chooses a password and is logged in; the coach forgets the password and resets it
through a second mail; then two-factor authentication is required for coaches: the coach
is sent to the set-up, scans (reads) the secret, confirms, and the next login asks for
the code. Every mail is checked for its content and for the absence of care data."""
from __future__ import annotations

import email
import re
import socket
from datetime import timedelta
from email import policy
from urllib.parse import urlsplit

import pyotp
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from app.jobs import send_outbox
from models import utcnow
from tests.browser.conftest import log_in, visit
from tests.web.account_support import BASE_URL, assert_no_care_data

pytestmark = pytest.mark.browser

COACH = "nieuwe.coach@hofje.example"
FIRST_PASSWORD = "fietsen langs de rivier"
SECOND_PASSWORD = "appeltaart met slagroom"


class Inbox:
    def __init__(self):
        self.messages: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos[0], envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    old = {k: app.config[k] for k in ("MAIL_BACKEND", "MAIL_PORT", "MAIL_SERVER")}
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    app.config.update(old)
    controller.stop()


def _deliver(app, inbox: Inbox, to: str) -> dict:
    """Run the scheduler's outbox round; the one new message, parsed."""
    before = len(inbox.messages)
    assert send_outbox(app) == 1
    assert len(inbox.messages) == before + 1
    rcpt, raw = inbox.messages[-1]
    assert rcpt == to
    message = email.message_from_bytes(raw, policy=policy.default)
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert message.get_content_type() == "multipart/alternative"
    mail = {"subject": str(message["Subject"]), "body": plain, "html": html}
    assert_no_care_data(mail)
    return mail


def _path(mail: dict) -> str:
    links = re.findall(r"https?://\S+", mail["body"])
    assert len(links) == 1 and links[0].startswith(BASE_URL + "/")
    assert f'href="{links[0]}"' in mail["html"]
    return urlsplit(links[0]).path


def _next_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30))


def test_invite_reset_and_two_factor(new_page, app, world, smtp, problems):
    problems.allow(r"status of 404 .*/wachtwoord-herstellen/")  # the spent link, refused
    # the sociaal beheerder invites a new coach
    admin_page = new_page()
    log_in(admin_page, "sociaal_beheerder")
    visit(admin_page, "/profiel")
    admin_page.get_by_role("link", name="Mensen uitnodigen").click()
    admin_page.get_by_role("link", name="Iemand uitnodigen").click()
    admin_page.get_by_label("Naam").fill("Nina Nieuw")
    admin_page.get_by_label("E-mailadres").fill(COACH)
    admin_page.get_by_label("Locatie").select_option(label="Het Hofje")
    admin_page.get_by_label("communitycoach").check()
    admin_page.get_by_role("button", name="Uitnodiging versturen").click()
    expect(admin_page.get_by_role("row", name=re.compile(COACH))).to_contain_text("open tot")

    invitation = _deliver(app, smtp, COACH)
    assert invitation["subject"] == "Uitnodiging voor Noaber"
    assert "Beste Nina Nieuw," in invitation["body"]
    assert "Vraag Test sociaal_beheerder (sb@hofje.example)" in invitation["body"]

    # the coach follows the link, chooses a password and is logged in
    coach = new_page()
    visit(coach, _path(invitation))
    expect(coach.get_by_role("heading", level=1)).to_have_text("Welkom bij Noaber")
    expect(coach.get_by_label("Uw naam")).to_have_value("Nina Nieuw")
    coach.get_by_label("Nieuw wachtwoord").fill(FIRST_PASSWORD)
    coach.get_by_label("Herhaal het nieuwe wachtwoord").fill(FIRST_PASSWORD)
    coach.get_by_role("button", name="Account aanmaken").click()
    expect(coach.get_by_text("Welkom bij Noaber, Nina Nieuw. Uw account is klaar.")) \
        .to_be_visible()
    expect(coach).to_have_url(re.compile(rf"/locaties/{world.site}/mijn-werk$"))
    coach.get_by_role("button", name="Uitloggen").click()

    # the coach forgets the password
    visit(coach, "/login")
    coach.get_by_role("link", name="Wachtwoord vergeten?").click()
    coach.get_by_label("E-mailadres").fill(COACH)
    coach.get_by_role("button", name="Link versturen").click()
    expect(coach.get_by_role("heading", level=1)).to_have_text("Kijk in uw e-mail")
    reset = _deliver(app, smtp, COACH)
    assert reset["subject"] == "Noaber: nieuw wachtwoord kiezen"
    assert "Beste Nina Nieuw," in reset["body"]
    visit(coach, _path(reset))
    coach.get_by_label("Nieuw wachtwoord").fill(SECOND_PASSWORD)
    coach.get_by_label("Herhaal het nieuwe wachtwoord").fill(SECOND_PASSWORD)
    coach.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(coach.get_by_text("Uw nieuwe wachtwoord is ingesteld")).to_be_visible()
    # the link is spent
    visit_again = coach.goto(_path(reset))
    assert visit_again.status == 404
    expect(coach.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet (meer)")

    # coaches must now use a second factor: after the password comes the set-up
    app.config["TOTP_REQUIRED_ROLES"] = ("communitycoach",)
    try:
        _log_in(coach, COACH, SECOND_PASSWORD)
        expect(coach).to_have_url(re.compile(r"/profiel/tweestapsverificatie$"))
        expect(coach.get_by_role("img", name=re.compile("QR-code"))).to_be_visible()
        secret = coach.locator("#totp-secret").inner_text().replace(" ", "")
        # nothing else opens until it is done
        visit(coach, f"/locaties/{world.site}")
        expect(coach).to_have_url(re.compile(r"/profiel/tweestapsverificatie$"))
        coach.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        coach.get_by_role("button", name="Bevestigen").click()
        codes = coach.locator("ul.recovery-codes li")
        expect(codes).to_have_count(10)
        coach.get_by_role("link", name="Verder naar Noaber").click()
        expect(coach).to_have_url(re.compile(rf"/locaties/{world.site}/mijn-werk$"))
        coach.get_by_role("button", name="Uitloggen").click()

        # the next login asks for the code
        _log_in(coach, COACH, SECOND_PASSWORD)
        expect(coach).to_have_url(re.compile(r"/login/code$"))
        coach.get_by_label("Code").fill(_next_code(secret))
        coach.get_by_role("button", name="Inloggen").click()
        expect(coach).to_have_url(re.compile(rf"/locaties/{world.site}/mijn-werk$"))
    finally:
        app.config["TOTP_REQUIRED_ROLES"] = ()


def _log_in(page, address: str, password: str) -> None:
    visit(page, "/login")
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
