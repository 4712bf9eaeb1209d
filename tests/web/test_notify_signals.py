"""Urgent signals by mail at once, through a real SMTP server: a critical signal raised
by the monitor job goes to each person who may act on it (and wants it at once), once,
whatever is rerun or found again while it is open; warnings stay in the weekly digest;
a signal about care figures reaches only those who may see them; the installation's own
urgent signal reaches the administrators from ``flask scheduler check``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.jobs import run_job, send_outbox
from models import Notification, OutgoingMail, Signal, User, db
from services.monitoring import sweep as sweep_module
from services.monitoring.digest import write_digests
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.notify import preferences
from tests.conftest import ROLE_EMAILS, TODAY
from tests.web.mail_support import BASE, html_of, scan_for_care, smtp, text_of, to  # noqa: F401

TITLE = "Lekkage in de ontmoetingsruimte"
ACTING = {ROLE_EMAILS[r] for r in ("sociaal_beheerder", "communitycoach", "kerngroep")}


class Condition:
    """A rule for the test: on the world's site it finds, or not, one signal."""

    def __init__(self, site_id: int):
        self.site_id, self.severity, self.found, self.audience = site_id, "critical", True, "site"

    def __call__(self, session, site, today):
        findings = ()
        if site.id == self.site_id and self.found:
            findings = (Finding("test_urgent", "room", self.severity, TITLE,
                                "Er staat water in de keuken van de ontmoetingsruimte; "
                                "de ruimte is dicht tot het hersteld is.",
                                audience=self.audience, link=f"/locaties/{site.id}/ruimte"),)
        return [Evaluation("test_urgent", (ONGOING,), findings)]


@pytest.fixture
def condition(monkeypatch, world):
    rule = Condition(world.site)
    monkeypatch.setattr(sweep_module, "RULE_GROUPS", [rule])
    return rule


def monitor(app, day: int) -> dict:
    today = TODAY + timedelta(days=day)
    now = datetime(today.year, today.month, today.day, 4, tzinfo=timezone.utc)
    run = run_job(app, "monitor", today=today, now=now)
    assert run is not None and run.outcome == "ok", run and run.error
    return run.counts


def urgent(inbox):
    return [m for m in inbox.messages if str(m["Subject"]) == f"Urgent: {TITLE}"]


def test_a_critical_signal_goes_at_once_to_who_may_act_once_per_occurrence(
        app, world, smtp, condition):
    inbox = smtp
    assert monitor(app, 0)["told_at_once"] == 3
    send_outbox(app)
    mails = urgent(inbox)
    assert {m["To"] for m in mails} == ACTING      # not the bestuur, begeleider, stuurgroep
    body = text_of(mails[0])
    assert "Er is een urgent signaal voor Het Hofje:" in body
    assert "Er staat water in de keuken" in body
    assert f"{BASE}/locaties/{world.site}/ruimte" in body
    assert f'href="{BASE}/locaties/{world.site}/ruimte"' in html_of(mails[0])
    assert f"{BASE}/profiel#h-notify" in body

    assert run_job(app, "monitor", today=TODAY) is None        # the period is done
    monitor(app, 1)                                            # found again, still open
    send_outbox(app)
    assert len(urgent(inbox)) == 3

    condition.found = False                                    # cleared: resolved
    monitor(app, 2)
    condition.found = True                                     # back: a new occurrence
    assert monitor(app, 3)["told_at_once"] == 3
    monitor(app, 4)
    send_outbox(app)
    assert len(urgent(inbox)) == 6
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Signal)) == 1
    scan_for_care(inbox)


def test_warnings_wait_for_the_digest_and_an_escalation_is_told_once(app, world, smtp,
                                                                     condition):
    inbox = smtp
    condition.severity = "warning"
    assert monitor(app, 0)["told_at_once"] == 0
    send_outbox(app)
    assert not inbox.messages
    condition.severity = "critical"                            # worse while open
    assert monitor(app, 1)["told_at_once"] == 3
    monitor(app, 2)
    send_outbox(app)
    assert len(urgent(inbox)) == 3
    with app.app_context():
        write_digests(db.session, TODAY + timedelta(days=2),
                      datetime(2026, 6, 17, 6, tzinfo=timezone.utc), BASE)
        db.session.commit()
    send_outbox(app)
    [digest] = [m for m in to(inbox, ROLE_EMAILS["kerngroep"])
                if str(m["Subject"]).startswith("Noaber: ")]
    text = text_of(digest)
    assert text.count(TITLE) == 1                  # in the signals, not again as a message
    assert "Berichten van deze week" not in text


def test_the_preference_decides_and_a_person_without_address_gets_nothing(
        app, world, smtp, condition):
    inbox = smtp
    with app.app_context():
        kerngroep = db.session.get(User, world.users["kerngroep"])
        coach = db.session.get(User, world.users["communitycoach"])
        assert preferences.preferences_of(db.session, kerngroep)["signals"] == "now"
        preferences.save(db.session, kerngroep, {**preferences.preferences_of(
            db.session, kerngroep), "signals": "off"})
        coach.email = ""
        db.session.commit()
    assert monitor(app, 0)["told_at_once"] == 1
    send_outbox(app)
    assert [m["To"] for m in urgent(inbox)] == [ROLE_EMAILS["sociaal_beheerder"]]
    with app.app_context():
        deliveries = dict(db.session.execute(sa.select(Notification.user_id,
                                                       Notification.delivery)).all())
    assert deliveries == {world.users["sociaal_beheerder"]: "now",
                          world.users["kerngroep"]: "off",
                          world.users["communitycoach"]: "no_address"}


def test_a_signal_about_care_figures_reaches_only_who_sees_them(app, world, smtp,
                                                                 condition):
    inbox = smtp
    condition.audience = "care_data"
    monitor(app, 0)
    send_outbox(app)
    assert [m["To"] for m in urgent(inbox)] == [ROLE_EMAILS["sociaal_beheerder"]]


def test_the_silent_scheduler_reaches_the_administrators_from_the_check(app, world, smtp):
    inbox = smtp
    runner = app.test_cli_runner()
    for _round in range(2):
        result = runner.invoke(args=["scheduler", "check"])
        assert result.exit_code == 1 and "De planner draait niet" in result.output
    mails = [m for m in inbox.messages if "De planner draait niet" in str(m["Subject"])]
    assert [m["To"] for m in mails] == [ROLE_EMAILS["admin"]]
    assert str(mails[0]["From"]).startswith("Noaber <")
    assert f"{BASE}/beheer/taken" in text_of(mails[0])
    with app.app_context():
        assert db.session.scalar(sa.select(OutgoingMail.status)) == "sent"
