"""The minutes posted along with every button of a meeting page (app/meeting_page.py):
saved when changed on the page, never overwriting what someone else saved meanwhile when
left untouched, refused whole when too long; and each button comes back at its form."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.meeting_page import fingerprint, posted_minutes
from models import AgendaItem, BodyDecision, MeetingItem, Site, db
from services.imo import meetings as ms
from tests.conftest import TODAY
from tests.web.governance_support import make_governance
from tests.web.support import db_snapshot, fresh_rate_limits, query, text  # noqa: F401


@pytest.fixture
def imo(app, world) -> dict:
    with app.app_context():
        try:
            meeting = ms.create_meeting(db.session, db.session.get(Site, world.site),
                                        held_on=TODAY, location=None,
                                        chair_id=world.users["sociaal_beheerder"],
                                        deputy_chair=None, actor_id=None)
            db.session.commit()
            items = {i.position: i.id for i in meeting.items}
            return {"id": meeting.id, "items": items,
                    "url": f"/locaties/{world.site}/imo/vergaderingen/{meeting.id}"}
        finally:
            db.session.remove()


def minutes_of(app, model, item_id):
    return query(app, lambda s: s.get(model, item_id).minutes)


def fragment(response) -> str:
    assert response.status_code == 302, response.status_code
    return urlsplit(response.headers["Location"]).fragment


def test_the_fingerprint_ignores_line_ends_and_surrounding_blanks():
    assert fingerprint("a\r\nb ") == fingerprint("\na\nb") == fingerprint("a\rb")
    assert fingerprint("a b") != fingerprint("ab")
    assert fingerprint(None) == fingerprint("")


def test_posted_minutes_count_only_what_the_page_changed():
    class Item:
        def __init__(self, id, minutes, handled=False):
            self.id, self.minutes, self.handled = id, minutes, handled

    items = [Item(1, "Oud"), Item(2, "Al door een ander gewijzigd", handled=True),
             Item(3, None)]
    form = {"item-1": "Nieuw", "was-1": fingerprint("Oud"),
            "item-2": "Zoals getoond", "was-2": fingerprint("Zoals getoond"),
            "handled-was-2": "0",
            "item-3": "", "was-3": fingerprint(None), "handled-3": "1", "handled-was-3": "0"}
    posted = posted_minutes(form, items, max_length=10, with_handled=True)
    assert posted.texts == {1: "Nieuw"}
    assert posted.handled == {3: True}
    assert posted.posted == {1: "Nieuw", 2: "Zoals getoond", 3: ""}
    assert posted.too_long == []
    # a post without fingerprints: only the minutes' own route takes its texts
    bare = {"item-1": "Van buiten"}
    assert posted_minutes(bare, items, max_length=10).texts == {}
    legacy = posted_minutes(bare, items, max_length=10, legacy=True, with_handled=True)
    assert legacy.texts == {1: "Van buiten"} and legacy.handled == {2: False}
    assert posted_minutes({"item-3": "x" * 11}, items, max_length=10,
                          legacy=True).too_long == [3]


def test_imo_attendance_saves_changed_minutes_and_keeps_untouched_ones(app, world, imo,
                                                                      login_as):
    one, two = imo["items"][1], imo["items"][2]
    client = login_as("sociaal_beheerder")
    page = text(client.get(imo["url"]))
    assert f'name="was-{one}" value="{fingerprint(None)}"' in page
    assert 'id="meeting-page"' in page and 'formaction="' in page
    # meanwhile someone else writes point 2
    with app.app_context():
        try:
            item = db.session.get(AgendaItem, two)
            item.minutes = "Door de plaatsvervanger"
            db.session.commit()
        finally:
            db.session.remove()
    response = client.post(imo["url"] + "/aanwezigheid", data={
        f"item-{one}": "Balans besproken", f"was-{one}": fingerprint(None),
        f"item-{two}": "", f"was-{two}": fingerprint(None),
        f"presence-{world.users['communitycoach']}": "afwezig"})
    assert fragment(response) == "aanwezigheid"
    assert minutes_of(app, AgendaItem, one) == "Balans besproken"
    assert minutes_of(app, AgendaItem, two) == "Door de plaatsvervanger"
    page = text(client.get(imo["url"]))
    assert "De aanwezigheid is opgeslagen." in page and "Het verslag is ook opgeslagen." in page


def test_imo_refused_form_still_saves_the_minutes(app, imo, login_as):
    one = imo["items"][1]
    client = login_as("sociaal_beheerder")
    response = client.post(imo["url"] + "/punt", data={
        "title": "", f"item-{one}": "Getypt vóór de fout", f"was-{one}": fingerprint(None)})
    assert response.status_code == 302
    assert minutes_of(app, AgendaItem, one) == "Getypt vóór de fout"
    page = text(client.get(imo["url"]))
    assert "Onderwerp: Vul een onderwerp in." in page


def test_imo_item_button_comes_back_at_its_item(app, imo, login_as):
    four = imo["items"][4]
    client = login_as("sociaal_beheerder")
    response = client.post(imo["url"] + "/verslag", data={
        "punt": "4", f"item-{four}": "Motivatie helder", f"was-{four}": fingerprint(None)})
    assert fragment(response) == "punt-4"
    assert minutes_of(app, AgendaItem, four) == "Motivatie helder"
    # an odd value of the button goes back to the top
    assert fragment(client.post(imo["url"] + "/verslag", data={"punt": "x"})) == ""


@pytest.fixture
def gov(app, world):
    ids = make_governance(app, world)
    ids["url"] = f"/locaties/{world.site}/overleg/{ids['kg']}/vergaderingen/{ids['june']}"
    return ids


def test_governance_decision_saves_the_minutes_and_handled_mark(app, gov, login_as):
    carried, incoming = gov["carried"], gov["incoming"]
    client = login_as("admin")
    response = client.post(gov["url"] + "/besluit", data={
        "besluit-text": "Huisregels vastgesteld", "besluit-item_id": "",
        f"item-{carried}": "Vastgesteld", f"was-{carried}": fingerprint(None),
        f"handled-{carried}": "1", f"handled-was-{carried}": "0",
        f"item-{incoming}": "", f"was-{incoming}": fingerprint(None),
        f"handled-was-{incoming}": "0"})
    assert fragment(response) == "besluiten"
    item = query(app, lambda s: s.get(MeetingItem, carried))
    assert (item.minutes, item.handled) == ("Vastgesteld", True)
    assert query(app, lambda s: s.scalar(sa.select(sa.func.count(BodyDecision.id)).where(
        BodyDecision.text == "Huisregels vastgesteld"))) == 1


def test_governance_untouched_handled_mark_is_left_alone(app, gov, login_as):
    carried = gov["carried"]
    with app.app_context():
        try:
            db.session.get(MeetingItem, carried).handled = True  # ticked in another tab
            db.session.commit()
        finally:
            db.session.remove()
    client = login_as("admin")
    response = client.post(gov["url"] + "/aanwezigheid", data={
        f"item-{carried}": "", f"was-{carried}": fingerprint(None),
        f"handled-was-{carried}": "0"})  # the box was shown unticked, and left so
    assert fragment(response) == "aanwezigheid"
    assert query(app, lambda s: s.get(MeetingItem, carried).handled) is True


def test_governance_too_long_minutes_refuse_the_whole_post(app, gov, login_as):
    carried = gov["carried"]
    client = login_as("admin")
    before = db_snapshot(app)
    typed = "x" * 20001
    response = client.post(gov["url"] + "/besluit", data={
        "besluit-text": "Een besluit", f"item-{carried}": typed,
        f"was-{carried}": fingerprint(None)})
    assert response.status_code == 422
    page = text(response)
    assert "is langer dan 20000 tekens" in page
    assert typed in page  # still in its field
    assert "Een besluit</textarea>" in page
    assert db_snapshot(app) == before


def test_governance_refused_action_shows_a_linked_error_summary(app, gov, login_as):
    carried = gov["carried"]
    client = login_as("admin")
    response = client.post(gov["url"] + "/actiepunt", data={
        "actie-text": "", "actie-owner_id": "", "actie-due_on": "2026-07-01",
        f"item-{carried}": "Getypt", f"was-{carried}": fingerprint(None)})
    assert response.status_code == 422
    page = text(response)
    assert '<a href="#actie-text">Actiepunt: Beschrijf het actiepunt.</a>' in page
    assert '<a href="#actie-owner_id">' in page
    # all or nothing: the minutes are not saved, but still in their field
    assert minutes_of(app, MeetingItem, carried) is None
    assert "Getypt</textarea>" in page
    assert 'value="2026-07-01"' in page
