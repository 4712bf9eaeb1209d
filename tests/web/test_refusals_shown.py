"""A refused form is never silent, also when the page no longer shows that form: the
meeting page's attendance with an unknown value, an item escalated twice, a room request
declined after it was decided, a bank line handled twice (found by the hostile-form test:
each answered 422 without any message)."""
from __future__ import annotations

from tests.association_fixtures import make_web_association
from tests.rooms_fixtures import rooms_world
from tests.web.governance_support import make_governance
from tests.web.support import db_snapshot, form_alert, fresh_rate_limits, text  # noqa: F401


def _refused(app, client, url, data, before=None):
    before = before or db_snapshot(app)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert db_snapshot(app) == before
    return form_alert(text(response))


def test_the_meeting_page_shows_every_refusal(app, world, login_as):
    gov = make_governance(app, world)
    client = login_as("admin")
    june = f"/locaties/{world.site}/overleg/{gov['kg']}/vergaderingen/{gov['june']}"
    assert _refused(app, client, june + "/aanwezigheid",
                    {f"presence-{n}": "misschien" for n in range(1, 40)}) == \
        "Kies aanwezig, afwezig met bericht of afwezig."
    escalate = f"{june}/punten/{gov['carried']}/escaleren"
    reason = f"e{gov['carried']}-reason"
    assert client.post(escalate, data={reason: "Vraagt om een besluit"}).status_code == 302
    assert _refused(app, client, escalate, {}) == "Schrijf de reden van de escalatie op."


def test_a_decided_request_says_so(app, world, login_as):
    ids = rooms_world(app, world)
    client = login_as("admin")
    decline = f"/locaties/{world.site}/ruimte/aanvragen/{ids.request}/afwijzen"
    assert client.post(decline, data={"afwijzen-note": "Vol"}).status_code == 302
    assert _refused(app, client, decline, {}) == "Over deze aanvraag is al besloten."


def test_a_handled_bank_line_says_so(app, world, login_as):
    ids = make_web_association(app, world)
    client = login_as("bestuur")
    line = f"/locaties/{world.site}/vereniging/bank/regels/{ids['line_anker']}"
    assert client.post(line + "/lid", data={"lid-member_id": ids["member_anker"]}) \
        .status_code == 302
    before = db_snapshot(app)
    response = client.post(line + "/negeren", data={})
    assert response.status_code == 422 and db_snapshot(app) == before
    assert '<p class="alert alert-error" role="alert">Deze regel is al verwerkt' in text(response)


def test_a_chosen_id_beyond_integer_is_a_message(app, world, login_as):
    """A select's value is coerced to an id within the databases' INTEGER (it reached
    session.get() as an OverflowError on SQLite, a DataError on PostgreSQL)."""
    ids = make_web_association(app, world)
    client = login_as("bestuur")
    url = f"/locaties/{world.site}/vereniging/commissies/{ids['commission']}"
    before = db_snapshot(app)
    response = client.post(url, data={"resident_id": "99999999999999999999",
                                      "starts_on": "2026-06-01"})
    assert response.status_code == 422 and db_snapshot(app) == before
    assert '<p class="error" id="resident_id-error">' in text(response)


def test_confirming_a_line_that_is_no_line(app, world, login_as):
    """A ticked id beyond INTEGER is no line (it reached the database), one that is no line
    of the association a 404 (NotFound came out of the service as a 500); nothing saved."""
    ids = make_web_association(app, world)
    client = login_as("bestuur")
    url = f"/locaties/{world.site}/vereniging/bank/{ids['bank_import']}/bevestigen"
    assert _refused(app, client, url, {"bevestig": "2147483648"}) == \
        "Vink minstens één voorstel aan."
    before = db_snapshot(app)
    response = client.post(url, data={"bevestig": [str(ids["line_anker"]), "999999"],
                                      f"lid-{ids['line_anker']}": str(ids["member_anker"])})
    assert response.status_code == 404 and db_snapshot(app) == before
