"""Error reports: a request that fails while handling a resident with care data is
reported through a transport that keeps the event here (no network), and the event as it
would be sent holds no resident name, e-mail address or care value."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask import request
from sentry_sdk.transport import Transport

from app import create_app, error_reports
from config import TestConfig
from models import Organisation, Resident, SupportPeriod, db
from tests.conftest import PASSWORD, ROLE_EMAILS


class Collect(Transport):
    """Keeps each event as it would be sent (the envelope's serialised payload)."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.headers.get("type") == "event":
                self.events.append(json.loads(item.payload.get_bytes()))


@pytest.fixture
def reporting_app(app, database_url):
    """An app with SENTRY_DSN set and a transport that collects the events."""
    import sentry_sdk

    transport = Collect()
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    web = create_app({**settings, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SENTRY_DSN": "https://public@errors.invalid/1",
                      "SENTRY_TRANSPORT": transport, "PROPAGATE_EXCEPTIONS": False})
    yield web, transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()          # no DSN: reporting is off again for the other tests


def test_a_failing_request_is_reported_without_personal_or_care_data(reporting_app, world):
    web, events = reporting_app

    @web.route("/_fails/<int:resident_id>", methods=["POST"])
    def fails(resident_id):
        resident = db.session.get(Resident, resident_id)
        period = db.session.scalar(sa.select(SupportPeriod).where(
            SupportPeriod.resident_id == resident.id))
        organisation = db.session.get(Organisation, period.care_organisation_id)
        status, hours, care_name = period.status, period.indicated_hours, \
            organisation.name
        note = request.form["note"]
        raise RuntimeError(f"could not handle {resident.name} <{resident.email}> "
                           f"({status}, {hours} h, {care_name}): {note}")

    client = web.test_client()
    client.post("/login", data={"email": ROLE_EMAILS["sociaal_beheerder"],
                                "password": PASSWORD})
    response = client.post(f"/_fails/{world.residents['linde']}?token=querysecret",
                           data={"note": "heeft een zware indicatie",
                                 "email": "lies.prive@example.org"},
                           headers={"Cookie": "extra=cookievalue"})
    assert response.status_code == 500
    assert len(events) == 1
    event = events[0]
    payload = json.dumps(event)
    # the report is there and useful: the exception, the path, the account id
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["request"]["url"].endswith(f"/_fails/{world.residents['linde']}")
    assert event["user"] == {"id": str(world.users["sociaal_beheerder"])}
    assert "[Filtered]" in payload
    # and it holds nothing personal or about care
    for secret in ("Lies Linde", "lies@bewoner.example", "lies.prive@example.org",
                   "Zorggroep De Linde", "heeft een zware indicatie", "querysecret",
                   "cookievalue", "sb@hofje.example", "Test sociaal_beheerder"):
        assert secret not in payload, secret
    assert "begeleid" not in payload
    assert "6.00" not in payload
    for frame in event["exception"]["values"][-1]["stacktrace"]["frames"]:
        if frame.get("function") == "fails":
            local = frame["vars"]
            # the locals are there, their values filtered (by name, or as known values)
            assert local["note"] == "[Filtered]"
            assert local["status"] == "'[Filtered]'"
            assert local["hours"] == "Decimal('[Filtered]')"
            assert local["care_name"] == "'[Filtered]'"
            break
    else:
        pytest.fail("the failing view's frame is missing from the report")
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert "query_string" not in event["request"]


def test_no_dsn_no_reports(app):
    assert error_reports.init(app) is False


def test_the_scrub_removes_emails_from_any_string():
    event = {"message": "mail naar a.b@c.example mislukt",
             "extra": {"list": ["x@y.example", 3]},
             "user": {"id": 7, "email": "x@y.example", "ip_address": "10.0.0.1"},
             "request": {"url": "https://n.example/agenda/tok123.ics?a=1",
                         "data": "naam=Jan", "cookies": {"session": "s"},
                         "headers": {"Cookie": "session=s", "User-Agent": "ua"}}}
    scrubbed = error_reports.scrub_event(event, {})
    assert scrubbed["message"] == "mail naar [Filtered] mislukt"
    assert scrubbed["extra"]["list"] == ["[Filtered]", 3]
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["request"] == {"method": None, "url": "https://n.example/agenda/[redacted].ics",
                                   "headers": {"User-Agent": "ua"}}
