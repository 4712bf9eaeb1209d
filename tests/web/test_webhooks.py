"""Webhooks end to end: a real HTTP server on 127.0.0.1 receives what the scheduler's
outbox round sends, checks the signature and timestamp, and reads the payloads: care
data for an organisation that may see it and none for one that may not, a retry after
a 500, nothing twice when the round reruns, nothing for a deactivated endpoint, and the
installation signal once a delivery is given up."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.jobs import send_outbox
from models import AuditEvent, Signal, SupportStatus, User, WebhookDelivery, WebhookEndpoint, db, utcnow
from services.association import members as member_service
from services.monitoring import installation, mail, signals
from services.monitoring.findings import ONGOING, Evaluation, Finding
from services.registry import residents as resident_service
from services.registry import sites as site_service
from services.registry.residents import PersonalData, SupportData
from services.webhooks import delivery, endpoints, events
from tests.conftest import TODAY
from tests.web.webhook_support import make_endpoint, receiver, verified  # noqa: F401

REGISTRY = [events.UNIT_CREATED, events.MOVED_IN, events.MOVED_OUT, events.SIGNAL_RAISED]


def _endpoints(app, world, receiver):
    """One endpoint for each care organisation and one for the corporation."""
    with app.app_context():
        made = {key: make_endpoint(app, db.session, org_id=world.orgs[key], site_id=world.site,
                                   url=receiver.url(f"/{key}"), events=REGISTRY)
                for key in ("linde", "anker", "corp")}
        db.session.remove()
    return made


def _move_in_linde_client(app, world):
    """A new begeleid resident of De Linde in the vacant unit A3."""
    with app.app_context():
        resident = resident_service.add_resident(
            db.session, site_id=world.site, unit_id=world.units["A3"], move_in=TODAY,
            person=PersonalData(name="Nieuwe Cliënt"),
            support=SupportData(SupportStatus.BEGELEID, world.orgs["linde"], Decimal("7.5")),
            actor_id=None, today=TODAY)
        db.session.commit()
        resident_id = resident.id
        db.session.remove()
    return resident_id


def _deliveries(app, **where):
    with app.app_context():
        found = [(d.endpoint_id, d.status, d.attempts) for d in db.session.scalars(
            sa.select(WebhookDelivery).filter_by(**where).order_by(WebhookDelivery.id))]
        db.session.remove()
    return found


def test_signed_payloads_with_care_data_only_for_who_may_see_it(app, world, receiver):
    made = _endpoints(app, world, receiver)
    resident_id = _move_in_linde_client(app, world)
    assert send_outbox(app) == 0     # the count is of e-mails; the webhooks went too
    for key, (_endpoint_id, secret) in made.items():
        [request] = receiver.on(f"/{key}")
        assert verified(request, secret), key
        assert not verified(request, "whsec_another"), key
        stale = {**request, "at": request["at"] + 301}     # replayed six minutes later
        assert not verified(stale, secret)
        assert request["headers"]["Noaber-Event-Id"] == receiver.payloads(f"/{key}")[0]["id"]
    linde, anker, corp = (receiver.payloads(f"/{k}")[0] for k in ("linde", "anker", "corp"))
    for payload in (linde, anker, corp):
        assert payload["type"] == "resident.moved_in" and payload["site_id"] == world.site
        assert payload["data"]["resident_id"] == resident_id
        assert payload["data"]["move_in_date"] == TODAY.isoformat()
        assert set(payload) == {"id", "type", "occurred_at", "site_id", "data"}
    assert len({linde["id"], anker["id"], corp["id"]}) == 3
    assert linde["data"]["support"] == {"status": "begeleid",
                                        "care_organisation_id": world.orgs["linde"],
                                        "indicated_hours": "7.5"}
    assert corp["data"]["support"]["status"] == "begeleid"
    assert "support" not in anker["data"]
    with app.app_context():   # sending care data is in the audit log, as an API read is
        logged = {e.entity_id: e.changes["resident_ids"] for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "webhook_care_data"))}
        db.session.remove()
    assert logged == {made["linde"][0]: [resident_id], made["corp"][0]: [resident_id]}
    raw = receiver.on("/anker")[0]["body"]
    assert "begeleid" not in raw and "indicated_hours" not in raw and "7.5" not in raw
    assert "care_organisation" not in raw


def test_a_move_out_tells_the_care_organisation_only_of_its_own_client(app, world, receiver):
    _endpoints(app, world, receiver)
    with app.app_context():
        for key in ("anker", "vrij1"):
            resident = db.session.get(resident_service.Resident, world.residents[key])
            resident_service.record_move_out(db.session, resident, move_out=TODAY,
                                             reason=None, actor_id=None)
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    anker = {p["data"]["resident_id"]: p["data"] for p in receiver.payloads("/anker")}
    linde = {p["data"]["resident_id"]: p["data"] for p in receiver.payloads("/linde")}
    assert anker[world.residents["anker"]]["support"]["care_organisation_id"] == \
        world.orgs["anker"]
    assert "support" not in anker[world.residents["vrij1"]]      # onbegeleid is care data
    assert all("support" not in data for data in linde.values())
    assert {p["type"] for p in receiver.payloads("/corp")} == {"resident.moved_out"}


def test_a_signal_goes_only_to_its_audience(app, world, receiver):
    _endpoints(app, world, receiver)
    with app.app_context():
        finding = Finding(rule="care_share", subject="linde", severity="warning",
                          audience=f"care:{world.orgs['linde']}", title="10% van De Linde",
                          explanation="uitleg")
        signals.sync(db.session, world.site, [Evaluation("care_share", (ONGOING,),
                                                         (finding,))], utcnow())
        db.session.commit()
        signals.sync(db.session, world.site, [Evaluation("care_share", (ONGOING,),
                                                         (finding,))], utcnow())
        db.session.commit()   # found again: no second event
        db.session.remove()
    send_outbox(app)
    [linde] = receiver.payloads("/linde")
    assert linde["type"] == "signal.raised"
    assert {k: linde["data"][k] for k in ("rule", "subject", "severity", "title")} == {
        "rule": "care_share", "subject": "linde", "severity": "warning",
        "title": "10% van De Linde"}
    assert receiver.payloads("/anker") == []
    assert len(receiver.payloads("/corp")) == 1       # the sociaal beheerder's role sees it


def test_retried_after_a_500_and_never_sent_twice(app, world, receiver):
    with app.app_context():
        endpoint_id, secret = make_endpoint(app, db.session, org_id=world.orgs["corp"],
                                            site_id=world.site, url=receiver.url("/corp"),
                                            events=[events.UNIT_CREATED])
        db.session.remove()
    receiver.answers = [500]
    with app.app_context():
        site = db.session.get(site_service.Site, world.site)
        site_service.save_unit(db.session, site, None, site_service.UnitData("C1", "studio"),
                               actor_id=None)
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    assert _deliveries(app) == [(endpoint_id, "pending", 1)]
    send_outbox(app)                          # not due yet: not tried again
    assert len(receiver.on("/corp")) == 1
    with app.app_context():
        db.session.execute(sa.update(WebhookDelivery).values(
            next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    send_outbox(app)
    first, second = receiver.on("/corp")
    assert first["body"] == second["body"]
    assert first["headers"]["Noaber-Event-Id"] == second["headers"]["Noaber-Event-Id"]
    assert verified(second, secret)
    assert receiver.payloads("/corp")[0]["data"]["number"] == "C1"
    assert _deliveries(app) == [(endpoint_id, "sent", 2)]
    with app.app_context():   # sent: the body (names, care data) is not kept
        assert db.session.scalars(sa.select(WebhookDelivery.body)).all() == [""]
        db.session.remove()


def test_a_claimed_delivery_is_not_claimed_again(app, world, receiver):
    _endpoints(app, world, receiver)
    _move_in_linde_client(app, world)
    with app.app_context():
        first = db.session.scalar(sa.select(WebhookDelivery.id).limit(1))
        assert delivery.claim(db.session, first, utcnow()) is True
        assert delivery.claim(db.session, first, utcnow()) is False   # a second scheduler
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    assert len(receiver.received) == 2      # the other two; the claimed one is not sent


def test_a_deactivated_endpoint_gets_nothing(app, world, receiver):
    made = _endpoints(app, world, receiver)
    _move_in_linde_client(app, world)         # queued while still active
    with app.app_context():
        for key in ("linde", "corp"):
            endpoints.deactivate(db.session, db.session.get(WebhookEndpoint, made[key][0]),
                                 actor_id=world.users["admin"], now=utcnow())
        db.session.commit()
        resident = db.session.get(resident_service.Resident, world.residents["vrij2"])
        resident_service.record_move_out(db.session, resident, move_out=TODAY, reason=None,
                                         actor_id=None)
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    assert receiver.on("/linde") == receiver.on("/corp") == []
    assert [p["type"] for p in receiver.payloads("/anker")] == ["resident.moved_in",
                                                                 "resident.moved_out"]
    # nothing new queued; the waiting one given up without being sent, its body cleared
    assert _deliveries(app, endpoint_id=made["linde"][0]) == [(made["linde"][0], "failed", 0)]
    with app.app_context():
        assert db.session.scalar(sa.select(WebhookDelivery.body).where(
            WebhookDelivery.endpoint_id == made["linde"][0])) == ""
        installation.check(db.session, utcnow())   # not a delivery problem: no signal
        assert db.session.scalar(sa.select(Signal).where(Signal.rule == "webhook_failed")) \
            is None
        db.session.remove()


def test_given_up_after_the_last_attempt_and_signalled(app, world, receiver, login_as):
    with app.app_context():
        endpoint_id, _secret = make_endpoint(app, db.session, org_id=world.orgs["corp"],
                                             site_id=world.site, url=receiver.url("/corp"),
                                             events=[events.UNIT_CREATED])
        site = db.session.get(site_service.Site, world.site)
        site_service.save_unit(db.session, site, None, site_service.UnitData("C2", "studio"),
                               actor_id=None)
        db.session.execute(sa.update(WebhookDelivery).values(attempts=mail.MAX_ATTEMPTS - 1))
        db.session.commit()
        db.session.remove()
    receiver.answers = [503]
    send_outbox(app)
    assert _deliveries(app) == [(endpoint_id, "failed", mail.MAX_ATTEMPTS)]
    with app.app_context():
        installation.check(db.session, utcnow())
        db.session.commit()
        signal = db.session.scalar(sa.select(Signal).where(Signal.rule == "webhook_failed"))
        assert signal is not None and signal.state == "open" and signal.site_id is None
        assert "1 webhookbericht" in signal.title
        db.session.remove()
    page = login_as("admin").get("/koppelingen/").get_data(as_text=True)
    assert "opgegeven" in page and "HTTP 503" in page


def test_a_name_that_turns_internal_gets_no_request(app, world, receiver, monkeypatch):
    """The attack: an endpoint made while its name pointed outside, whose DNS now answers
    with the cloud's metadata address. The delivery is refused before any request."""
    with app.app_context():
        endpoint_id, _secret = make_endpoint(app, db.session, org_id=world.orgs["corp"],
                                             site_id=world.site, url=receiver.url("/corp"),
                                             events=[events.UNIT_CREATED])
        db.session.get(WebhookEndpoint, endpoint_id).url = "https://hooks.example.org/x"
        site = db.session.get(site_service.Site, world.site)
        site_service.save_unit(db.session, site, None, site_service.UnitData("C3", "studio"),
                               actor_id=None)
        db.session.commit()
        db.session.remove()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOCAL", False)
    monkeypatch.setattr(endpoints.socket, "getaddrinfo",
                        lambda host, port, **kw: [(2, 1, 6, "", ("169.254.169.254", port))])
    posted = []
    monkeypatch.setattr(delivery.requests, "post", lambda *a, **kw: posted.append(a))
    send_outbox(app)
    assert posted == []
    with app.app_context():
        [found] = db.session.scalars(sa.select(WebhookDelivery)).all()
        assert found.status == "pending" and "intern netwerk" in found.error
        db.session.remove()


def test_a_changed_unit_and_a_new_member(app, world, receiver):
    with app.app_context():
        _endpoint_id, secret = make_endpoint(
            app, db.session, org_id=world.orgs["vereniging"], site_id=world.site,
            url=receiver.url("/vereniging"), events=[events.UNIT_CHANGED, events.MEMBER_ADDED])
        site = db.session.get(site_service.Site, world.site)
        unit = db.session.get(site_service.Unit, world.units["B1"])
        site_service.save_unit(db.session, site, unit, site_service.UnitData(
            "B1", "2-kamer", world.parts["Blok B"]), actor_id=None)
        site_service.save_unit(db.session, site, unit, site_service.UnitData(
            "B1", "2-kamer", world.parts["Blok B"]), actor_id=None)     # no change: no event
        member = member_service.add_member(db.session, world.orgs["vereniging"],
                                           resident_id=world.residents["vrij1"],
                                           starts_on=TODAY, actor_id=None)
        db.session.commit()
        member_id = member.id
        db.session.remove()
    send_outbox(app)
    changed, added = receiver.payloads("/vereniging")
    assert all(verified(r, secret) for r in receiver.on("/vereniging"))
    assert changed["type"] == "unit.changed"
    assert changed["data"]["changes"] == ["unit_type"] and changed["data"]["number"] == "B1"
    assert added["type"] == "member.added"
    assert added["data"]["member_id"] == member_id and added["data"]["unit_number"] == "B1"
    assert "name" not in added["data"] and "support" not in added["data"]


def test_a_redirect_is_not_followed(app, world, receiver):
    """A receiver (or whoever took over its address) answering 302 to an internal address
    does not make Noaber post there: the attempt counts as failed."""
    with app.app_context():
        endpoint_id, _secret = make_endpoint(app, db.session, org_id=world.orgs["corp"],
                                             site_id=world.site, url=receiver.url("/corp"),
                                             events=[events.UNIT_CREATED])
        site = db.session.get(site_service.Site, world.site)
        site_service.save_unit(db.session, site, None, site_service.UnitData("C4", "studio"),
                               actor_id=None)
        db.session.commit()
        db.session.remove()
    receiver.answers = [(302, {"Location": receiver.url("/intern")})]
    send_outbox(app)
    assert [r["path"] for r in receiver.received] == ["/corp"]
    assert _deliveries(app) == [(endpoint_id, "pending", 1)]
