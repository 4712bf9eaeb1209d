"""The forms, driven through HTTP: the registry (sociaal_beheerder / admin), the
administration pages (admin), logging in and the language choice."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import (AuditEvent, Membership, Organisation, Resident, Site, SupportPeriod,
                    User)
from tests.conftest import PASSWORD, ROLE_EMAILS, TODAY
from tests.web.support import fresh_rate_limits  # noqa: F401  (an autouse fixture)
from tests.web.support import (count, db_snapshot, field_error, form_alert, html_lang,
                               is_login_redirect, main_of, query, redirect_path, resident,
                               resident_rows, select_options, stats, table_rows, text,
                               user_id_by_email)

SB = "sociaal_beheerder"


@pytest.fixture
def audit_events(app, world):
    """``audit_events(action, entity_type=None)``: the audit events written after the
    world was built (the world's own events have no actor)."""
    start = query(app, lambda s: s.scalar(sa.select(sa.func.max(AuditEvent.id)))) or 0

    def events(action: str, entity_type: str | None = None) -> list[dict]:
        def load(session):
            stmt = sa.select(AuditEvent).where(AuditEvent.id > start,
                                               AuditEvent.action == action)
            if entity_type:
                stmt = stmt.where(AuditEvent.entity_type == entity_type)
            return [{"actor_id": e.actor_id, "entity_type": e.entity_type,
                     "entity_id": e.entity_id, "site_id": e.site_id, "changes": e.changes}
                    for e in session.scalars(stmt.order_by(AuditEvent.id))]

        return query(app, load)

    return events


def resident_count(app) -> int:
    return count(app, Resident)


def move_in_data(world, **overrides) -> dict:
    data = {"unit_id": str(world.units["A3"]), "move_in_date": "2026-06-01",
            "name": "Bram Bakker", "email": "bram@bewoner.example", "phone": "",
            "status": "begeleid", "care_organisation_id": str(world.orgs["linde"]),
            "indicated_hours": "8"}
    data.update(overrides)
    return data


def assert_refused(app, client, url, base: dict, cases: list[tuple]):
    """POST ``base`` updated with each case's overrides; every case must answer 422 with
    its Dutch message next to its field, and save nothing. Cases are
    ``(label, overrides, field, message)``; all failing cases are reported together."""
    problems = []
    for label, overrides, field, message in cases:
        before = db_snapshot(app)
        response = client.post(url, data={**base, **overrides})
        page = text(response)
        if response.status_code != 422:
            problems.append(f"{label}: expected 422, got {response.status_code}")
        elif field_error(page, field) != message:
            problems.append(f"{label}: next to {field!r} expected {message!r}, got "
                            f"{field_error(page, field)!r}")
        elif not form_alert(page):
            problems.append(f"{label}: no error summary above the form")
        if db_snapshot(app) != before:
            problems.append(f"{label}: the database changed")
    assert not problems, "\n".join(problems)


# --- moving in -----------------------------------------------------------------------

@pytest.mark.parametrize("role", [SB, "admin"])
def test_move_in_to_a_vacant_unit(role, app, login_as, world, audit_events):
    client = login_as(role)
    dashboard = f"/locaties/{world.site}"
    before = stats(text(client.get(dashboard)))
    assert (before["Bewoners"], before["Begeleid"]) == ("4", "2 (50,0%)")

    response = client.post(f"/locaties/{world.site}/bewoners/nieuw", data=move_in_data(world))

    assert response.status_code == 302
    new = query(app, lambda s: s.scalar(sa.select(Resident).where(
        Resident.name == "Bram Bakker")))
    assert new is not None
    assert redirect_path(response) == f"/locaties/{world.site}/bewoners/{new.id}"
    assert new.unit_id == world.units["A3"] and new.move_in_date == date(2026, 6, 1)
    periods = query(app, lambda s: [(p.status, p.care_organisation_id, p.indicated_hours,
                                     p.valid_from) for p in s.scalars(
        sa.select(SupportPeriod).where(SupportPeriod.resident_id == new.id))])
    assert periods == [("begeleid", world.orgs["linde"], Decimal("8"), date(2026, 6, 1))]

    assert "Bram Bakker" in resident_rows(text(client.get(f"/locaties/{world.site}/bewoners/")))
    after = stats(text(client.get(dashboard)))
    assert (after["Bewoners"], after["Begeleid"]) == ("5", "3 (60,0%)")
    assert after["Leeg"] == "1"

    [event] = audit_events("move_in")
    assert event["actor_id"] == world.users[role]
    assert event["entity_type"] == "resident" and event["entity_id"] == new.id
    assert event["site_id"] == world.site


def test_move_in_to_an_occupied_unit_is_refused(app, login_as, world):
    client = login_as(SB)
    residents_before, before = resident_count(app), db_snapshot(app)
    response = client.post(f"/locaties/{world.site}/bewoners/nieuw",
                           data=move_in_data(world, unit_id=str(world.units["A1"])))
    assert response.status_code == 422
    message = field_error(text(response), "unit_id")
    assert message, "no message next to the unit field"
    # a clear Dutch message: which unit, and that it is not vacant (not "invalid choice")
    assert "A1" in message and "niet vrij" in message, message
    assert resident_count(app) == residents_before
    assert db_snapshot(app) == before


def test_move_in_with_invalid_input_saves_nothing(app, login_as, world):
    client = login_as(SB)
    residents_before = resident_count(app)
    assert_refused(app, client, f"/locaties/{world.site}/bewoners/nieuw", move_in_data(world), [
        ("email", {"email": "bram@"}, "email", "Vul een geldig e-mailadres in."),
        ("email without @", {"email": "geen e-mailadres"}, "email",
         "Vul een geldig e-mailadres in."),
        ("empty name", {"name": ""}, "name", "Vul een naam in."),
        ("blank name", {"name": "   "}, "name", "Vul een naam in."),
        ("begeleid without organisation", {"care_organisation_id": ""},
         "care_organisation_id", "Kies de zorgaanbieder van deze begeleide bewoner."),
        ("200 hours", {"indicated_hours": "200"}, "indicated_hours",
         "Vul een aantal uren tussen 0 en 168 in."),
        ("negative hours", {"indicated_hours": "-1"}, "indicated_hours",
         "Vul een aantal uren tussen 0 en 168 in."),
        ("date not ISO", {"move_in_date": "1-6-2026"}, "move_in_date",
         "Vul een geldige datum in."),
        ("no unit", {"unit_id": ""}, "unit_id", "Kies een vrije wooneenheid."),
        ("no status", {"status": ""}, "status", "Kies begeleid of onbegeleid."),
    ])
    assert resident_count(app) == residents_before


def test_move_in_form_offers_only_vacant_units(login_as, world):
    client = login_as(SB)
    page = text(client.get(f"/locaties/{world.site}/bewoners/nieuw"))
    units = [option.split(" ")[0] for option in select_options(page, "unit_id")[1:]]
    assert units == ["A3", "B3"]


# --- editing ---------------------------------------------------------------------------

def test_edit_resident(app, login_as, world, audit_events):
    client = login_as(SB)
    url = f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/bewerken"
    response = client.post(url, data={"name": "Vera Vrij-de Boer",
                                      "email": "vera@bewoner.example", "phone": "06-12345678",
                                      "actively_contributes": "y",
                                      "talents": "tuinieren"})
    assert response.status_code == 302
    assert redirect_path(response) == f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}"
    row = resident(app, world.residents["vrij1"])
    assert (row["name"], row["phone"], row["actively_contributes"], row["talents"]) == (
        "Vera Vrij-de Boer", "06-12345678", True, "tuinieren")
    [event] = audit_events("update", "resident")
    assert event["actor_id"] == world.users[SB]
    assert event["entity_id"] == world.residents["vrij1"]
    assert event["changes"]["name"] == ["Vera Vrij", "Vera Vrij-de Boer"]


def test_edit_resident_with_invalid_input_saves_nothing(app, login_as, world):
    client = login_as(SB)
    assert_refused(
        app, client, f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/bewerken",
        {"name": "Vera Vrij", "email": "vera@bewoner.example"}, [
            ("empty name", {"name": ""}, "name", "Vul een naam in."),
            ("invalid email", {"email": "vera@"}, "email", "Vul een geldig e-mailadres in."),
            ("born in the future", {"date_of_birth": "2030-01-01"}, "date_of_birth",
             "De geboortedatum ligt in de toekomst."),
        ])


# --- status changes ----------------------------------------------------------------------

def _periods(app, resident_id):
    return query(app, lambda s: [
        (p.valid_from, p.status, p.care_organisation_id, p.indicated_hours)
        for p in s.scalars(sa.select(SupportPeriod).where(
            SupportPeriod.resident_id == resident_id).order_by(SupportPeriod.id))])


def test_status_change_adds_a_period_and_keeps_the_old_one(app, login_as, world,
                                                           audit_events):
    client = login_as(SB)
    lies = world.residents["linde"]
    old = _periods(app, lies)
    assert old == [(date(2024, 3, 1), "begeleid", world.orgs["linde"], Decimal("6"))]

    response = client.post(f"/locaties/{world.site}/bewoners/{lies}/status",
                           data={"valid_from": "2026-06-01", "status": "onbegeleid",
                                 "note": "indicatie afgelopen"})

    assert response.status_code == 302
    assert redirect_path(response) == f"/locaties/{world.site}/bewoners/{lies}"
    assert _periods(app, lies) == [*old, (date(2026, 6, 1), "onbegeleid", None, None)]
    # the page shows both periods, the mix counts her as onbegeleid now
    history = table_rows(main_of(text(client.get(f"/locaties/{world.site}/bewoners/{lies}"))))
    assert [row[1] for row in history] == ["begeleid", "onbegeleid"]
    assert stats(text(client.get(f"/locaties/{world.site}")))["Begeleid"] == "1 (25,0%)"
    [event] = audit_events("status_change")
    assert event["actor_id"] == world.users[SB] and event["entity_id"] == lies
    assert event["changes"]["status"] == "onbegeleid"


def test_status_change_to_another_organisation_as_admin(app, login_as, world,
                                                        audit_events):
    client = login_as("admin")
    arie = world.residents["anker"]
    response = client.post(f"/locaties/{world.site}/bewoners/{arie}/status",
                           data={"valid_from": "2026-06-15", "status": "begeleid",
                                 "care_organisation_id": str(world.orgs["linde"]),
                                 "indicated_hours": "3"})
    assert response.status_code == 302
    assert _periods(app, arie)[-1] == (date(2026, 6, 15), "begeleid", world.orgs["linde"],
                                       Decimal("3"))
    assert len(_periods(app, arie)) == 2
    [event] = audit_events("status_change")
    assert event["actor_id"] == world.users["admin"]


def test_invalid_status_change_saves_nothing(app, login_as, world):
    client = login_as(SB)
    lies = world.residents["linde"]
    periods = _periods(app, lies)
    assert_refused(app, client, f"/locaties/{world.site}/bewoners/{lies}/status",
                   {"valid_from": "2026-06-01", "status": "onbegeleid"}, [
        ("before the move-in date", {"valid_from": "2024-02-01"}, "valid_from",
         "De datum ligt vóór de verhuisdatum van de bewoner."),
        ("no change", {"status": "begeleid", "care_organisation_id": str(world.orgs["linde"]),
                       "indicated_hours": "6"}, "status",
         "Dit is al de status op die datum; er verandert niets."),
        ("begeleid without organisation", {"status": "begeleid"}, "care_organisation_id",
         "Kies de zorgaanbieder van deze begeleide bewoner."),
        ("no date", {"valid_from": ""}, "valid_from", "Vul een geldige datum in."),
    ])
    assert _periods(app, lies) == periods


# --- moving out --------------------------------------------------------------------------

def test_move_out_frees_the_unit(app, login_as, world, audit_events):
    client = login_as(SB)
    vera = world.residents["vrij1"]
    units_page = f"/locaties/{world.site}/eenheden"

    def unit_row(number):
        return next(row for row in table_rows(main_of(text(client.get(units_page))))
                    if row[0] == number)

    assert unit_row("B1")[3] == "bewoond"

    response = client.post(f"/locaties/{world.site}/bewoners/{vera}/vertrek",
                           data={"move_out_date": "2026-06-01", "move_out_reason": "verhuisd"})

    assert response.status_code == 302
    assert redirect_path(response) == f"/locaties/{world.site}/bewoners/"
    row = resident(app, vera)
    assert (row["move_out_date"], row["move_out_reason"]) == (date(2026, 6, 1), "verhuisd")
    assert unit_row("B1")[3] == "leeg: bewoner inschrijven"
    new_form = text(client.get(f"/locaties/{world.site}/bewoners/nieuw"))
    assert "B1" in [o.split(" ")[0] for o in select_options(new_form, "unit_id")]

    current = resident_rows(text(client.get(f"/locaties/{world.site}/bewoners/")))
    assert "Vera Vrij" not in current and len(current) == 3
    moved_out = resident_rows(text(client.get(f"/locaties/{world.site}/bewoners/?vertrokken=1")))
    assert list(moved_out) == ["Vera Vrij"]
    assert "1 jun 2026" in moved_out["Vera Vrij"]
    assert stats(text(client.get(f"/locaties/{world.site}")))["Bewoners"] == "3"

    [event] = audit_events("move_out")
    assert event["actor_id"] == world.users[SB] and event["entity_id"] == vera
    assert event["changes"]["move_out_date"] == "2026-06-01"


def test_move_out_twice_is_refused(app, login_as, world, audit_events):
    client = login_as(SB)
    url = f"/locaties/{world.site}/bewoners/{world.residents['vrij2']}/vertrek"
    assert client.post(url, data={"move_out_date": "2026-06-01"}).status_code == 302
    before = db_snapshot(app)
    response = client.post(url, data={"move_out_date": "2026-06-10"})
    assert response.status_code == 422
    assert field_error(text(response), "move_out_date") == \
        "Het vertrek van deze bewoner is al vastgelegd."
    assert db_snapshot(app) == before
    assert resident(app, world.residents["vrij2"])["move_out_date"] == date(2026, 6, 1)
    assert len(audit_events("move_out")) == 1


def test_move_out_before_move_in_is_refused(app, login_as, world):
    client = login_as(SB)
    before = db_snapshot(app)
    response = client.post(
        f"/locaties/{world.site}/bewoners/{world.residents['vrij2']}/vertrek",
        data={"move_out_date": "2024-01-01"})
    assert response.status_code == 422
    assert field_error(text(response), "move_out_date") == \
        "De vertrekdatum ligt vóór de verhuisdatum."
    assert db_snapshot(app) == before


def test_moved_out_unit_can_be_let_again(app, login_as, world):
    client = login_as(SB)
    client.post(f"/locaties/{world.site}/bewoners/{world.residents['vrij1']}/vertrek",
                data={"move_out_date": "2026-06-01"})
    response = client.post(f"/locaties/{world.site}/bewoners/nieuw", data=move_in_data(
        world, unit_id=str(world.units["B1"]), move_in_date=TODAY.isoformat(),
        status="onbegeleid", care_organisation_id="", indicated_hours=""))
    assert response.status_code == 302
    rows = resident_rows(text(client.get(f"/locaties/{world.site}/bewoners/")))
    assert rows["Bram Bakker"][0] == "B1"


def test_markup_in_a_name_is_shown_as_text(app, login_as, world):
    client = login_as(SB)
    name = '<script>alert("x")</script> Bram'
    response = client.post(f"/locaties/{world.site}/bewoners/nieuw",
                           data=move_in_data(world, name=name), follow_redirects=True)
    assert response.status_code == 200
    for page in (text(response), text(client.get(f"/locaties/{world.site}/bewoners/"))):
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize("search", ["Lies", "lies", "A1", "a1", "lies@bewoner"])
def test_resident_search(search, login_as, world):
    client = login_as("communitycoach")
    page = text(client.get(f"/locaties/{world.site}/bewoners/", query_string={"q": search}))
    assert list(resident_rows(page)) == ["Lies Linde"]


# --- units -------------------------------------------------------------------------------

def test_add_unit_and_duplicate_number(app, login_as, world, audit_events):
    client = login_as(SB)
    url = f"/locaties/{world.site}/eenheden"
    response = client.post(url, data={"unit-number": "C1", "unit-unit_type": "2-kamer",
                                      "unit-part_id": str(world.parts["Blok B"])})
    assert response.status_code == 302
    assert [row[:3] for row in table_rows(main_of(text(client.get(url)))) if row[0] == "C1"] \
        == [["C1", "Blok B", "2-kamer"]]
    [event] = audit_events("create", "unit")
    assert event["actor_id"] == world.users[SB]

    before = db_snapshot(app)
    response = client.post(url, data={"unit-number": "A1", "unit-unit_type": "studio"})
    assert response.status_code == 422
    assert field_error(text(response), "unit-number") == \
        "Deze locatie heeft al een wooneenheid met dit nummer."
    assert db_snapshot(app) == before


def test_shared_unit_takes_a_second_resident(app, login_as, world):
    client = login_as(SB)
    unit_url = f"/locaties/{world.site}/eenheden/{world.units['A1']}"
    response = client.post(unit_url, data={"number": "A1", "unit_type": "studio",
                                           "part_id": str(world.parts["Blok A"]),
                                           "shared": "y"})
    assert response.status_code == 302
    response = client.post(f"/locaties/{world.site}/bewoners/nieuw", data=move_in_data(
        world, unit_id=str(world.units["A1"]), status="onbegeleid", care_organisation_id="",
        indicated_hours=""))
    assert response.status_code == 302
    assert count(app, Resident, Resident.unit_id == world.units["A1"]) == 2
    # with two residents the unit cannot go back to unshared
    before = db_snapshot(app)
    response = client.post(unit_url, data={"number": "A1", "unit_type": "studio",
                                           "part_id": str(world.parts["Blok A"])})
    assert response.status_code == 422
    assert field_error(text(response), "shared").startswith("Er wonen nu meerdere bewoners")
    assert db_snapshot(app) == before


# --- administration ------------------------------------------------------------------------

def test_create_organisation(app, login_as, world, audit_events):
    client = login_as("admin")
    response = client.post("/beheer/organisaties/nieuw",
                           data={"name": "Gemeente Rijnstad", "kind": "gemeente", "active": "y"})
    assert response.status_code == 302
    assert redirect_path(response) == "/beheer/organisaties"
    org = query(app, lambda s: s.scalar(sa.select(Organisation).where(
        Organisation.name == "Gemeente Rijnstad")))
    assert (org.kind, org.active) == ("gemeente", True)
    assert "Gemeente Rijnstad" in text(client.get("/beheer/organisaties"))
    [event] = audit_events("create", "organisation")
    assert event["actor_id"] == world.users["admin"] and event["entity_id"] == org.id


def test_duplicate_organisation_name_is_refused(app, login_as, world):
    client = login_as("admin")
    message = "Er is al een organisatie met deze naam."
    assert_refused(app, client, "/beheer/organisaties/nieuw",
                   {"kind": "zorgaanbieder", "active": "y"}, [
        ("same name", {"name": "Zorggroep De Linde"}, "name", message),
        ("other case", {"name": "zorggroep de linde"}, "name", message),
        ("another existing name", {"name": "Stichting Het Anker"}, "name", message),
    ])
    # renaming an existing organisation onto another's name is refused as well
    assert_refused(app, client, f"/beheer/organisaties/{world.orgs['linde']}",
                   {"kind": "zorgaanbieder", "active": "y"}, [
        ("rename onto another", {"name": "Stichting Het Anker"}, "name", message)])


def test_create_user_who_can_then_log_in(app, client, auth, login_as, world, audit_events):
    login_as("admin")
    response = client.post("/beheer/gebruikers/nieuw", data={
        "name": "Nieuwe Coach", "email": "Nieuwe.Coach@Hofje.example",
        "password": "een lang wachtwoord", "active": "y"})
    assert response.status_code == 302
    user_id = user_id_by_email(app, "nieuwe.coach@hofje.example")
    assert user_id is not None
    assert redirect_path(response) == f"/beheer/gebruikers/{user_id}/rollen"
    [event] = audit_events("create", "user")
    assert event["actor_id"] == world.users["admin"] and event["entity_id"] == user_id
    assert "een lang wachtwoord" not in str(event["changes"])

    auth.logout()
    assert auth.login("nieuwe.coach@hofje.example", "een lang wachtwoord").status_code == 302


def test_invalid_new_user_is_refused(app, login_as, world):
    client = login_as("admin")
    users_before = count(app, User)
    duplicate = "Er is al een account met dit e-mailadres."
    breached = "Dit wachtwoord komt voor in lijsten van gelekte wachtwoorden; kies een ander."
    derived = "Dit wachtwoord is afgeleid van het e-mailadres of de naam Noaber; kies een ander."
    assert_refused(app, client, "/beheer/gebruikers/nieuw",
                   {"name": "Nieuw Account", "email": "nieuw@hofje.example",
                    "password": "een lang wachtwoord", "active": "y"}, [
        ("short password", {"password": "elf tekens!"}, "password",
         "Kies een wachtwoord van minstens 12 tekens."),
        ("no password", {"password": ""}, "password",
         "Kies een wachtwoord van minstens 12 tekens."),
        ("breached password", {"password": "ISeeDeadPeople"}, "password", breached),
        ("breached password with a year", {"password": "Sunshine2024!!"}, "password",
         breached),
        ("the e-mail's name", {"password": "Nieuw@1234567"}, "password", derived),
        ("the app's name", {"password": "Noaber-2026-!!"}, "password", derived),
        ("duplicate email", {"email": ROLE_EMAILS["bestuur"]}, "email", duplicate),
        ("duplicate email, other case", {"email": ROLE_EMAILS["bestuur"].upper()}, "email",
         duplicate),
        ("invalid email", {"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in."),
        ("no name", {"name": ""}, "name", "Vul een naam in."),
    ])
    assert count(app, User) == users_before


def test_admin_cannot_remove_own_admin_rights(app, login_as, world):
    client = login_as("admin")
    before = db_snapshot(app)
    response = client.post(f"/beheer/gebruikers/{world.users['admin']}", data={
        "name": "Test admin", "email": ROLE_EMAILS["admin"], "active": "y"})
    assert response.status_code == 422
    assert field_error(text(response), "is_admin") == \
        "U kunt uw eigen beheerrechten niet intrekken."
    assert db_snapshot(app) == before


def test_begeleider_role_needs_a_care_organisation(app, login_as, world):
    client = login_as("admin")
    message = "Een begeleider hoort bij een zorgaanbieder."
    assert_refused(app, client, f"/beheer/gebruikers/{world.users['none']}/rollen",
                   {"site_id": str(world.site), "role": "begeleider"}, [
        ("no organisation", {"organisation_id": ""}, "organisation_id", message),
        ("a housing corporation", {"organisation_id": str(world.orgs["corp"])},
         "organisation_id", message),
    ])


def test_grant_and_revoke_a_role(app, client, login_as, world, audit_events):
    user = world.users["none"]
    login_as("admin")
    response = client.post(f"/beheer/gebruikers/{user}/rollen", data={
        "site_id": str(world.site), "role": "begeleider",
        "organisation_id": str(world.orgs["anker"])})
    assert response.status_code == 302
    assert redirect_path(response) == f"/beheer/gebruikers/{user}/rollen"
    memberships = query(app, lambda s: [(m.id, m.site_id, m.role, m.organisation_id)
                                        for m in s.scalars(sa.select(Membership).where(
                                            Membership.user_id == user))])
    assert [m[1:] for m in memberships] == [(world.site, "begeleider", world.orgs["anker"])]
    membership_id = memberships[0][0]
    [granted] = audit_events("grant_role")
    assert granted["actor_id"] == world.users["admin"] and granted["entity_id"] == user

    # granting the same role twice is refused
    response = client.post(f"/beheer/gebruikers/{user}/rollen", data={
        "site_id": str(world.site), "role": "begeleider",
        "organisation_id": str(world.orgs["anker"])})
    assert response.status_code == 422
    assert field_error(text(response), "role") == \
        "Deze gebruiker heeft deze rol op deze locatie al."

    # the new begeleider now sees Arie Anker's care data (Het Anker), not Lies Linde's
    login_as("none")
    arie = client.get(f"/locaties/{world.site}/bewoners/{world.residents['anker']}")
    assert arie.status_code == 200 and "Stichting Het Anker" in text(arie)
    lies = client.get(f"/locaties/{world.site}/bewoners/{world.residents['linde']}")
    assert "Zorggroep De Linde" not in text(lies)

    login_as("admin")
    response = client.post(f"/beheer/gebruikers/{user}/rollen/{membership_id}/intrekken")
    assert response.status_code == 302
    assert count(app, Membership, Membership.user_id == user) == 0
    [revoked] = audit_events("revoke_role")
    assert revoked["actor_id"] == world.users["admin"] and revoked["entity_id"] == user

    login_as("none")
    assert client.get(f"/locaties/{world.site}").status_code == 403


def _site_data(world, **overrides):
    data = {"name": "Het Hofje", "municipality": "Rijnstad", "project_start": "2024-01-01",
            "corporation_id": str(world.orgs["corp"]),
            "association_id": str(world.orgs["vereniging"]),
            "target_begeleid_share": "0.5", "mix_tolerance": "0.1", "small_site_units": "60",
            "small_site_max_share": "0.5", "active_share_low": "0.5",
            "active_share_high": "0.7"}
    data.update(overrides)
    return data


def test_edit_site_mix_settings(app, login_as, world, audit_events):
    client = login_as("admin")
    response = client.post(f"/beheer/locaties/{world.site}", data=_site_data(world))
    assert response.status_code == 302
    site = query(app, lambda s: s.get(Site, world.site))
    assert (site.target_begeleid_share, site.mix_tolerance) == (Decimal("0.5"), Decimal("0.1"))
    dashboard = text(client.get(f"/locaties/{world.site}"))
    assert "Streefmix: 50,0% begeleid, met 10 procentpunt speling naar boven en beneden." \
        in dashboard
    # 2 of 4 begeleid is now exactly on target
    assert "binnen de band" in stats(dashboard)["Mix"]
    [event] = audit_events("update", "site")
    assert event["actor_id"] == world.users["admin"]
    assert event["changes"]["target_begeleid_share"][1] == "0.5"


def test_site_share_outside_0_and_1_is_refused(app, login_as, world):
    client = login_as("admin")
    message = "Een aandeel ligt tussen 0 en 1."
    assert_refused(app, client, f"/beheer/locaties/{world.site}", _site_data(world), [
        (f"{field} = {value}", {field: value}, field, message)
        for field in ("target_begeleid_share", "mix_tolerance", "small_site_max_share",
                      "active_share_low", "active_share_high")
        for value in ("1.5", "-0.1")])
    site = query(app, lambda s: s.get(Site, world.site))
    assert site.target_begeleid_share == Decimal("0.3333")


def test_a_sites_band_of_active_contribution_is_ordered(app, login_as, world):
    client = login_as("admin")
    assert_refused(app, client, f"/beheer/locaties/{world.site}", _site_data(world), [
        ("low above high", {"active_share_low": "0.8", "active_share_high": "0.6"},
         "active_share_low", "De ondergrens ligt niet boven de bovengrens.")])
    response = client.post(f"/beheer/locaties/{world.site}", data=_site_data(
        world, active_share_low="0.4", active_share_high="0.6"))
    assert response.status_code == 302
    site = query(app, lambda s: s.get(Site, world.site))
    assert (site.active_share_low, site.active_share_high) == (Decimal("0.4"), Decimal("0.6"))


# --- logging in --------------------------------------------------------------------------

WRONG_LOGIN = "Onbekend e-mailadres of verkeerd wachtwoord."


def test_failed_login(client, auth, world):
    for email, password in ((ROLE_EMAILS["bestuur"], "verkeerd wachtwoord"),
                            ("onbekend@hofje.example", PASSWORD)):
        response = auth.login(email, password)
        assert response.status_code == 200, email
        # the same message for both: the form does not tell which accounts exist
        assert form_alert(text(response)) == WRONG_LOGIN, email
        assert is_login_redirect(client.get(f"/locaties/{world.site}"))


def test_login_is_case_insensitive_for_the_email(client, auth, world):
    response = auth.login(ROLE_EMAILS["bestuur"].upper())
    assert response.status_code == 302
    assert client.get(f"/locaties/{world.site}").status_code == 200


FOREIGN_TARGETS = ["https://evil.example/", "//evil.example/", "/\\evil.example",
                   "/\t/evil.example", "http:/evil.example", "javascript:alert(1)",
                   "evil.example/locaties"]


def test_login_ignores_a_foreign_next(client, auth, world):
    for target in FOREIGN_TARGETS:
        auth.logout()
        response = client.post("/login", query_string={"next": target},
                               data={"email": ROLE_EMAILS["admin"], "password": PASSWORD})
        assert response.status_code == 302, target
        location = response.headers["Location"]
        assert "evil" not in location and "javascript" not in location, (target, location)
        assert redirect_path(response) == "/mijn-werk", target


def test_login_follows_a_local_next(client, world):
    target = f"/locaties/{world.site}"
    anonymous = client.get(target)
    assert is_login_redirect(anonymous)
    # the link the login redirect points to brings the user back after logging in
    response = client.post(anonymous.headers["Location"],
                           data={"email": ROLE_EMAILS["bestuur"], "password": PASSWORD})
    assert response.status_code == 302
    assert redirect_path(response) == target
    assert client.get(target).status_code == 200


def _deactivate(app, role, world):
    def run(session):
        session.get(User, world.users[role]).active = False
        session.commit()

    query(app, run)


def test_deactivated_user_cannot_log_in(app, client, auth, world):
    _deactivate(app, "bestuur", world)
    response = auth.login(ROLE_EMAILS["bestuur"])
    assert response.status_code == 200
    assert form_alert(text(response)) == WRONG_LOGIN
    assert is_login_redirect(client.get(f"/locaties/{world.site}"))


def test_deactivated_user_loses_a_running_session(app, client, login_as, world):
    login_as("bestuur")
    assert client.get(f"/locaties/{world.site}").status_code == 200
    _deactivate(app, "bestuur", world)
    assert is_login_redirect(client.get(f"/locaties/{world.site}"))


def test_logout_ends_the_session(client, auth, login_as, world):
    login_as("bestuur")
    response = auth.logout()
    assert redirect_path(response) == "/login"
    assert is_login_redirect(client.get(f"/locaties/{world.site}"))


# --- language ----------------------------------------------------------------------------

def test_language_choice_is_used_and_remembered(app, client, auth, login_as, world):
    login_as(SB)
    dashboard = f"/locaties/{world.site}"
    page = text(client.get(dashboard))
    assert html_lang(page) == "nl" and "Bezetting en mix" in page

    response = client.post("/taal", data={"lang": "en", "next": dashboard})
    assert response.status_code == 302 and redirect_path(response) == dashboard
    page = text(client.get(dashboard))
    assert html_lang(page) == "en"
    assert "Occupancy and mix" in page and "Bezetting en mix" not in page
    assert query(app, lambda s: s.get(User, world.users[SB]).locale) == "en"

    # remembered on the account: a new session starts in English
    login_as(SB)
    assert html_lang(text(client.get(dashboard))) == "en"
    # other users are not affected
    login_as("bestuur")
    assert html_lang(text(client.get(dashboard))) == "nl"


def test_language_choice_before_logging_in(client, world):
    response = client.post("/taal", data={"lang": "en", "next": "/login"})
    assert redirect_path(response) == "/login"
    assert html_lang(text(client.get("/login"))) == "en"


def test_language_chosen_on_the_login_page_is_kept_after_logging_in(client, auth, world):
    client.post("/taal", data={"lang": "en", "next": "/login"})
    assert html_lang(text(client.get("/login"))) == "en"
    assert auth.login(ROLE_EMAILS["bestuur"]).status_code == 302
    assert html_lang(text(client.get(f"/locaties/{world.site}"))) == "en"


def test_language_choice_rejects_bad_input(client, login_as, world):
    login_as(SB)
    response = client.post("/taal", data={"lang": "fr"})
    assert response.status_code == 302 and redirect_path(response) == "/"
    assert html_lang(text(client.get(f"/locaties/{world.site}"))) == "nl"
    for target in FOREIGN_TARGETS:
        response = client.post("/taal", data={"lang": "en", "next": target})
        assert response.status_code == 302, target
        assert "evil" not in response.headers["Location"], target
        assert redirect_path(response) == "/", target
    assert html_lang(text(client.get(f"/locaties/{world.site}"))) == "en"
