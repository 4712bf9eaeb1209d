"""The translations of the moment (app/i18n.py): the catalogues are remembered per
language, yet a page in English still writes a Dutch document or mail inside
``force_locale``, and its own strings stay English before and after it."""
from flask import render_template_string, session
from flask_babel import force_locale, gettext, lazy_gettext, ngettext


def test_strings_follow_the_language_of_the_moment(app):
    template = "{{ _('Opslaan') }} · {{ ngettext('%(num)d persoon', '%(num)d personen', 2) }}"
    label = lazy_gettext("Afdrukken")
    with app.test_request_context():
        session["lang"] = "en"
        assert gettext("Opslaan") == "Save" and str(label) == "Print"
        assert render_template_string(template) == "Save · 2 people"
        with force_locale("nl"):
            assert gettext("Opslaan") == "Opslaan" and str(label) == "Afdrukken"
            assert render_template_string(template) == "Opslaan · 2 personen"
            assert ngettext("%(num)d persoon", "%(num)d personen", 1) == "1 persoon"
        assert render_template_string(template) == "Save · 2 people"
        assert str(label) == "Print"
    with app.test_request_context():      # a new request: Dutch, the default
        assert render_template_string(template) == "Opslaan · 2 personen"


def test_one_visitor_switches_english_then_dutch(client):
    client.post("/taal", data={"lang": "en", "next": "/login"})
    assert "Forgotten your password?" in client.get("/login").get_data(as_text=True)
    client.post("/taal", data={"lang": "nl", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert "Wachtwoord vergeten?" in page and "Forgotten your password?" not in page
