"""The hours forms: Dutch messages next to the field, nothing saved on an error, sensible
defaults on the quick form, a whole week saved at once or not at all."""
import re

import pytest

from tests.hours_fixtures import hour_tables, hours_world


@pytest.fixture
def ids(app, world):
    return hours_world(app, world)


def error_of(page: str, field_id: str) -> str | None:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', page, re.S)
    return " ".join(match.group(1).split()) if match else None


def selected(page: str, select_id: str) -> str | None:
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    option = re.search(r'<option selected value="([^"]*)"', block.group(1)) if block else None
    return option.group(1) if option else None


@pytest.mark.parametrize("data, field, message", [
    ({"duration": "1,3"}, "duration", "hele kwartieren"),
    ({"duration": "abc"}, "duration", "hele kwartieren"),
    ({"duration": ""}, "duration", "Vul de duur in."),
    ({"duration": "25"}, "duration", "een kwartier tot 24 uur"),
    ({"duration": "NaN"}, "duration", "hele kwartieren"),     # these two were a 500 (Decimal
    ({"duration": "1e309"}, "duration", "hele kwartieren"),   # arithmetic on NaN, 6E+310)
    ({"duration": "-1e309"}, "duration", "hele kwartieren"),
    ({"work_date": "2026-06-16"}, "work_date", "in de toekomst"),
    ({"work_date": "2026-05-20"}, "work_date", "afgesloten"),
    ({"work_date": "2023-12-01"}, "work_date", "start van het project"),
    ({"work_date": "gisteren"}, "work_date", "geldige datum"),
])
def test_log_form_errors(app, login_as, world, ids, data, field, message):
    form = {"work_date": "2026-06-10", "duration": "2", "category": "communitycoach",
            "activity_type": "outreach", **data}
    before = hour_tables(app)
    response = login_as("communitycoach").post(f"/locaties/{world.site}/uren/nieuw", data=form)
    assert response.status_code == 422
    assert message in (error_of(response.get_data(as_text=True), field) or "")
    assert hour_tables(app) == before


def test_quick_form_defaults(login_as, world, ids):
    page = login_as("begeleider").get(f"/locaties/{world.site}/uren/nieuw").get_data(
        as_text=True)
    assert 'value="2026-06-15"' in page  # today
    assert selected(page, "category") == "begeleider"
    assert selected(page, "organisation_id") == str(world.orgs["linde"])
    coach = login_as("communitycoach").get(f"/locaties/{world.site}/uren/nieuw").get_data(
        as_text=True)
    assert selected(coach, "category") == "communitycoach"
    assert selected(coach, "activity_type") == "activiteit"  # the last one logged
    assert 'aria-describedby="duration-hint"' in coach  # the quarter-hour hint


def test_week_saves_all_rows_or_none(app, login_as, world, ids):
    client = login_as("communitycoach")
    url = f"/locaties/{world.site}/uren/week?week=2026-W24"
    rows = {f"rows-{i}-activity_type": "overleg" for i in range(7)}
    before = hour_tables(app)
    bad = client.post(url, data={"category": "communitycoach", **rows, "rows-0-duration": "2",
                                 "rows-1-duration": "30"})
    assert bad.status_code == 422
    assert "24 uur" in error_of(bad.get_data(as_text=True), "rows-1-duration")
    assert hour_tables(app) == before  # the valid Monday was not saved either
    note_only = client.post(url, data={"category": "communitycoach", **rows,
                                       "rows-2-note": "vergeten"})
    assert "Vul de uren" in error_of(note_only.get_data(as_text=True), "rows-2-duration")
    empty = client.post(url, data={"category": "communitycoach", **rows})
    assert "minstens één dag" in empty.get_data(as_text=True)
    good = client.post(url, data={"category": "communitycoach", **rows, "rows-0-duration": "2",
                                  "rows-3-duration": "1:45"})
    assert good.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Deze week geschreven: 3,75 uur." in page


def test_override_form_needs_a_reason_for_a_scale_up(app, login_as, world, ids):
    before = hour_tables(app)
    response = login_as("sociaal_beheerder").post(
        f"/locaties/{world.site}/uren/normen",
        data={"afwijking-kind": "opgeschaald", "afwijking-starts_on": "2026-06-01",
              "afwijking-hours_per_week": "10"})
    assert response.status_code == 422
    assert "reden" in error_of(response.get_data(as_text=True), "afwijking-reason")
    assert hour_tables(app) == before


def test_end_date_error_shows_next_to_its_field(app, login_as, world, ids):
    response = login_as("sociaal_beheerder").post(
        f"/locaties/{world.site}/uren/normen/{ids.override}/einde",
        data={f"einde{ids.override}-ends_on": "2026-05-01"})
    assert response.status_code == 422
    assert "na de begindatum" in error_of(response.get_data(as_text=True),
                                          f"einde{ids.override}-ends_on")


def test_closing_the_current_month_is_refused(app, login_as, world, ids):
    response = login_as("sociaal_beheerder").post(f"/locaties/{world.site}/uren/maanden",
                                                  data={"month": "2026-06"})
    assert response.status_code == 422
    assert "voorbij" in error_of(response.get_data(as_text=True), "month")
