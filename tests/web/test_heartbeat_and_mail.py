"""The scheduler's heartbeat and the installation's signals for admins (no heartbeat for an
hour, a gap at start-up, e-mails given up), and the mail transport: Date and Message-ID,
STARTTLS and implicit TLS against a local server with a certificate made here, and the
outbox's retries over about a day."""
from __future__ import annotations

import email
import email.utils
import smtplib
import socket
import ssl
import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.jobs import heartbeat, send_outbox
from models import OutgoingMail, SchedulerHeartbeat, Signal, User, db, utcnow
from services.monitoring import installation, mail
from services.monitoring.digest import INSTALLATION, digest_for
from tests.conftest import ALL_ROLES, ROLE_EMAILS


def count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def installation_signals(app, state=None):
    with app.app_context():
        stmt = sa.select(Signal).where(Signal.site_id.is_(None)).order_by(Signal.id)
        if state:
            stmt = stmt.where(Signal.state == state)
        return [(s.rule, s.state, s.audience, s.title) for s in db.session.scalars(stmt)]


def _mail(world, status="failed", attempts=mail.MAX_ATTEMPTS, period="2026-W25", **more):
    return OutgoingMail(recipient_id=world.users["admin"], kind="digest", period=period,
                        to_address=ROLE_EMAILS["admin"], subject=f"Onderwerp {period}",
                        body="tekst", status=status, attempts=attempts, **more)


# --- heartbeat and signals -------------------------------------------------------------

def test_each_scheduler_process_keeps_one_heartbeat_row(app):
    start = utcnow() - timedelta(minutes=3)
    assert heartbeat(app, worker="host:1", now=start)
    assert heartbeat(app, worker="host:1", now=start + timedelta(minutes=1))
    assert heartbeat(app, worker="host:2", now=start + timedelta(minutes=2))
    with app.app_context():
        rows = {r.worker: r.beat_at for r in db.session.scalars(sa.select(SchedulerHeartbeat))}
        assert rows == {"host:1": start + timedelta(minutes=1),
                        "host:2": start + timedelta(minutes=2)}
        assert installation.latest_beat(db.session) == start + timedelta(minutes=2)
    assert installation_signals(app) == []


def test_an_hour_without_heartbeat_raises_a_signal_for_admins(app, world, runner):
    with app.app_context():
        db.session.add(SchedulerHeartbeat(worker="host:1",
                                          beat_at=utcnow() - timedelta(minutes=61)))
        db.session.commit()
    result = runner.invoke(args=["scheduler", "check"])
    assert result.exit_code == 1 and "De planner draait niet" in result.output
    assert installation_signals(app) == [("scheduler_silent", "open", "admin",
                                          "De planner draait niet")]
    # a second check changes nothing; a fresh heartbeat resolves it
    runner.invoke(args=["scheduler", "check"])
    assert len(installation_signals(app)) == 1
    heartbeat(app, worker="host:1")
    assert installation_signals(app, "open") == []
    ok = runner.invoke(args=["scheduler", "check"])
    assert ok.exit_code == 0 and "laatste hartslag" in ok.output


def test_half_an_hour_without_heartbeat_raises_nothing(app, runner):
    with app.app_context():
        db.session.add(SchedulerHeartbeat(worker="host:1",
                                          beat_at=utcnow() - timedelta(minutes=30)))
        db.session.commit()
    assert runner.invoke(args=["scheduler", "check"]).exit_code == 0
    assert installation_signals(app) == []


def test_no_scheduler_ever_is_a_signal_too(app, runner):
    assert runner.invoke(args=["scheduler", "check"]).exit_code == 1
    with app.app_context():
        signal = db.session.scalar(sa.select(Signal).where(Signal.rule == "scheduler_silent"))
        assert "nog nooit een hartslag gegeven" in signal.explanation


def test_a_scheduler_starting_after_a_gap_records_it_until_resolved(app, world, login_as):
    before = utcnow() - timedelta(hours=3)
    heartbeat(app, worker="host:1", now=before)
    heartbeat(app, worker="host:2", starting=True)
    assert installation_signals(app) == [("scheduler_gap", "open", "admin",
                                          "De planner heeft een tijd niet gedraaid")]
    heartbeat(app, worker="host:2")        # later beats leave the record open
    assert installation_signals(app, "open")[0][0] == "scheduler_gap"
    # a restart within the hour records nothing new
    heartbeat(app, worker="host:3", starting=True)
    assert len(installation_signals(app)) == 1
    admin = login_as("admin")
    page = admin.get("/beheer/taken").get_data(as_text=True)
    assert "De planner heeft een tijd niet gedraaid" in page and "Laatste hartslag" in page
    with app.app_context():
        signal_id = db.session.scalar(sa.select(Signal.id).where(Signal.site_id.is_(None)))
    empty = admin.post(f"/beheer/taken/signalen/{signal_id}/oplossen", data={"note": ""},
                       follow_redirects=True)
    assert "Schrijf kort op hoe het is opgelost." in empty.get_data(as_text=True)
    admin.post(f"/beheer/taken/signalen/{signal_id}/oplossen",
               data={"note": "server herstart na onderhoud"})
    assert installation_signals(app, "open") == []
    assert "Geen open signalen over de planner" in admin.get("/beheer/taken").get_data(
        as_text=True)


def test_given_up_mails_raise_a_signal_until_sent_again(app, world, login_as):
    with app.app_context():
        db.session.add_all([_mail(world, period="W1"), _mail(world, period="W2"),
                            _mail(world, "sent", 1, "W3")])
        db.session.commit()
    heartbeat(app)
    assert installation_signals(app) == [("mail_failed", "open", "admin",
                                          "2 e-mails zijn niet verstuurd")]
    with app.app_context():
        admin = db.session.get(User, world.users["admin"])
        sections = digest_for(db.session, admin, utcnow() - timedelta(days=7))
        assert sections[0][0] is INSTALLATION
        assert [s.rule for s in sections[0][1]] == ["mail_failed"]
        sb = db.session.get(User, world.users["sociaal_beheerder"])
        assert all(site is not INSTALLATION for site, _ in digest_for(
            db.session, sb, utcnow() - timedelta(days=7)))
    login_as("admin").post("/beheer/taken/e-mails/opnieuw")
    heartbeat(app)
    assert installation_signals(app) == [("mail_failed", "resolved", "admin",
                                          "2 e-mails zijn niet verstuurd")]


def test_installation_signals_stay_off_the_site_pages(app, world, login_as):
    with app.app_context():
        db.session.add(_mail(world))
        db.session.commit()
    heartbeat(app)
    page = login_as("admin").get(f"/locaties/{world.site}/signalen").get_data(as_text=True)
    assert "niet verstuurd" not in page


@pytest.mark.parametrize("role", [*ALL_ROLES, "anonymous"])
def test_resolving_an_installation_signal_is_for_admins(app, world, client, login_as, role):
    with app.app_context():
        db.session.add(_mail(world))
        db.session.commit()
    heartbeat(app)
    with app.app_context():
        signal_id = db.session.scalar(sa.select(Signal.id).where(Signal.site_id.is_(None)))
    if role != "anonymous":
        login_as(role)
    answer = client.post(f"/beheer/taken/signalen/{signal_id}/oplossen",
                         data={"note": "opgelost"}).status_code
    state = installation_signals(app)[0][1]
    if role == "admin":
        assert (answer, state) == (302, "resolved")
    else:
        assert (answer, state) == (302 if role == "anonymous" else 403, "open"), role


def test_a_site_signal_cannot_be_resolved_through_the_admin_route(app, world, login_as):
    with app.app_context():
        signal = Signal(rule="x", site_id=world.site, subject="s", period="-",
                        severity="info", title="t", explanation="e")
        db.session.add(signal)
        db.session.commit()
        signal_id = signal.id
    admin = login_as("admin")
    assert admin.post(f"/beheer/taken/signalen/{signal_id}/oplossen",
                      data={"note": "x"}).status_code == 404


# --- mail transport ---------------------------------------------------------------------

class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl), and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return str(cert), str(key)


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def serve():
    started = []

    def start(**options):
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        started.append(controller)
        return inbox, controller.port

    yield start
    for controller in started:
        controller.stop()


def settings(port, **more):
    return mail.MailSettings(backend="smtp", host="127.0.0.1", port=port,
                             sender="noaber@hofje.example", timeout=5, **more)


def test_messages_carry_date_and_message_id(serve):
    inbox, port = serve()
    before = utcnow().replace(microsecond=0)
    mail.deliver(settings(port), "vera@bewoner.example", "Onderwerp", "Tekst")
    mail.deliver(settings(port), "vera@bewoner.example", "Onderwerp 2", "Tekst")
    first, second = inbox.messages
    assert email.utils.parsedate_to_datetime(first["Date"]) >= before - timedelta(seconds=1)
    assert first["Message-ID"].endswith("@hofje.example>")
    assert first["Message-ID"] != second["Message-ID"]
    assert (first["From"], first["To"], first["Subject"]) == (
        "noaber@hofje.example", "vera@bewoner.example", "Onderwerp")


def test_starttls(serve, certificate):
    inbox, port = serve(tls_context=server_context(certificate), require_starttls=True)
    mail.deliver(settings(port, use_tls=True, ca_file=certificate[0]), "a@b.example",
                 "Via STARTTLS", "Tekst")
    assert [m["Subject"] for m in inbox.messages] == ["Via STARTTLS"]
    # the control: this server refuses a message without STARTTLS
    with pytest.raises(smtplib.SMTPException):
        mail.deliver(settings(port), "a@b.example", "Onversleuteld", "Tekst")
    assert len(inbox.messages) == 1


def test_implicit_tls(serve, certificate):
    inbox, port = serve(ssl_context=server_context(certificate))
    mail.deliver(settings(port, use_ssl=True, ca_file=certificate[0]), "a@b.example",
                 "Via TLS", "Tekst")
    assert [m["Subject"] for m in inbox.messages] == ["Via TLS"]
    # the certificate is checked: without its CA the connection is refused
    with pytest.raises(ssl.SSLCertVerificationError):
        mail.deliver(settings(port, use_ssl=True), "a@b.example", "Ongecontroleerd", "Tekst")
    assert len(inbox.messages) == 1


def test_retries_wait_longer_each_time_over_about_a_day(app, world):
    with app.app_context():
        message = _mail(world, "pending", 0)
        db.session.add(message)
        db.session.commit()
        now, waits = utcnow(), []
        for attempt in range(1, mail.MAX_ATTEMPTS + 1):
            assert mail.pending_ids(db.session, now) == [message.id]
            assert mail.claim(db.session, message.id, now)
            mail.finish(db.session, message.id, now, "SMTPServerDisconnected: weg")
            db.session.commit()
            if message.status == "failed":
                break
            waits.append(message.next_attempt_at - now)
            # not due a second before its time, due at it
            assert mail.pending_ids(db.session, message.next_attempt_at
                                    - timedelta(seconds=1)) == []
            now = message.next_attempt_at
        assert (attempt, message.status, message.attempts) == (8, "failed", 8)
        assert [w.total_seconds() / 60 for w in waits] == [1, 5, 15, 60, 180, 480, 720]
        assert timedelta(hours=20) < sum(waits, timedelta()) < timedelta(hours=30)
        assert message.next_attempt_at is None


def test_a_failed_attempt_waits_for_its_retry(app, world):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        with app.app_context():
            db.session.add(_mail(world, "pending", 0))
            db.session.commit()
        started = utcnow()
        assert send_outbox(app) == 0          # nothing listens on the port
        assert send_outbox(app) == 0          # not due again yet: not tried
        with app.app_context():
            message = db.session.scalar(sa.select(OutgoingMail))
            assert (message.status, message.attempts) == ("pending", 1)
            assert "ConnectionRefusedError" in message.error
            wait = message.next_attempt_at - started
            assert timedelta(seconds=55) < wait < timedelta(seconds=70)
    finally:
        app.config.update(MAIL_BACKEND="log", MAIL_PORT=25)
