"""The sociaal beheerder makes a webhook for the corporation on /koppelingen/, copies the
secret shown once, and after a move-in finds the delivery on the webhook's page; the
pages fit a phone and a desktop screen (screenshots to NOABER_SCREENSHOTS, when set)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.jobs import send_outbox
from models import db
from services.registry import residents as resident_service
from services.registry.residents import PersonalData, SupportData
from tests.browser.conftest import PHONE, log_in, visit
from tests.conftest import TODAY
from tests.web.webhook_support import receiver, verified  # noqa: F401

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1366, "height": 900}


def _shot(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (name, width)
    folder = os.environ.get("NOABER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_make_a_webhook_and_see_its_delivery(new_page, app, world, receiver, problems):
    problems.allow(r"status of 422 .*/koppelingen/webhooks/")   # the http:// address, refused
    page = new_page(viewport=DESKTOP)
    log_in(page, "sociaal_beheerder")
    visit(page, "/koppelingen/")
    page.get_by_role("link", name="Nieuwe webhook").click()
    page.get_by_label("Naam van de webhook").fill("Huuradministratie")
    page.get_by_label("Webadres (https://)").fill("http://hooks.example.org/x")
    page.get_by_label("Organisatie").select_option(label="Woonstichting Test")
    page.get_by_label("bewoner ingehuisd").check()
    page.get_by_label("Het Hofje").check()
    page.get_by_role("button", name="Webhook aanmaken").click()
    expect(page.get_by_text("moet met https:// beginnen")).to_be_visible()
    expect(page.get_by_label("bewoner ingehuisd")).to_be_checked()   # kept for the retry
    page.get_by_label("Webadres (https://)").fill(receiver.url("/hook"))
    page.get_by_role("button", name="Webhook aanmaken").click()
    secret = page.locator("code.token").inner_text()
    assert secret.startswith("whsec_")
    _shot(page, "webhook-made-1366")
    with app.app_context():
        resident_service.add_resident(
            db.session, site_id=world.site, unit_id=world.units["A3"], move_in=TODAY,
            person=PersonalData(name="Nieuwe Bewoner"), support=SupportData("onbegeleid"),
            actor_id=None, today=TODAY)
        db.session.commit()
        db.session.remove()
    send_outbox(app)
    [request] = receiver.on("/hook")
    assert verified(request, secret)
    visit(page, "/koppelingen/")
    expect(page.get_by_role("cell", name="afgeleverd")).to_be_visible()
    _shot(page, "koppelingen-1366")
    page.get_by_role("link", name="Huuradministratie").click()
    expect(page.locator("code.token")).to_have_count(0)    # the secret was shown once
    expect(page.get_by_role("cell", name="afgeleverd")).to_be_visible()
    expect(page.get_by_role("cell", name="bewoner ingehuisd")).to_be_visible()
    _shot(page, "webhook-show-1366")
    phone = new_page(viewport=PHONE)
    log_in(phone, "sociaal_beheerder")
    visit(phone, "/koppelingen/webhooks/nieuw")
    _shot(phone, "webhook-new-390")
    visit(phone, "/koppelingen/")
    _shot(phone, "koppelingen-390")
    phone.get_by_role("link", name="Huuradministratie").click()
    _shot(phone, "webhook-show-390")
