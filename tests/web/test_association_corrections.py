"""Corrections on the woonvereniging pages: a bank line confirmed for the wrong member
(or booked under the wrong category) is reversed and then handled right, its page
keeping the trail; ending a membership takes the dues after it off the overdue list;
a contribution is linked to an activity of the room agenda."""
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from models import CashEntry, Payment
from services.association import books
from tests.rooms_fixtures import rooms_world
from tests.web.support import (field_error, fresh_rate_limits, main_of, query,  # noqa: F401
                               text)
from tests.web.test_association_forms import bestuur, ids, url  # noqa: F401 (fixtures)


def test_a_reversed_bank_match_is_confirmed_for_the_right_member(app, ids, bestuur):
    line = ids["line_anker"]
    assert bestuur.post(url(ids, "/bank/regels/{line}/lid", line=line),
                        data={"lid-member_id": str(ids["member_linde"])}).status_code == 302
    wrong = query(app, lambda s: s.scalar(sa.select(Payment.id).where(
        Payment.bank_line_id == line)))
    assert "al verwerkt" in text(bestuur.get(url(ids, "/bank/regels/{line}", line=line)))
    response = bestuur.post(url(ids, "/leden/{member_linde}/betalingen/{p}/terugdraaien",
                                p=wrong), data={"reason": "verkeerd lid"})
    assert response.status_code == 302

    page = main_of(text(bestuur.get(url(ids, "/bank/regels/{line}", line=line))))
    assert "Betaling vastleggen" in page and "al verwerkt" not in page
    assert "Betaling van lidnummer 1 (Lies Linde), teruggedraaid" in page
    assert bestuur.post(url(ids, "/bank/regels/{line}/lid", line=line),
                        data={"lid-member_id": str(ids["member_anker"])}).status_code == 302
    page = main_of(text(bestuur.get(url(ids, "/bank/regels/{line}", line=line))))
    assert "al verwerkt" in page and "Lies Linde), teruggedraaid" in page
    standing = query(app, lambda s: [(p.member_id, p.amount) for p in s.scalars(
        sa.select(Payment).where(Payment.bank_line_id == line).order_by(Payment.id))])
    assert standing == [(ids["member_linde"], D(25)), (ids["member_anker"], D(25))]


def test_a_corrected_booking_of_a_line_is_booked_again(app, ids, bestuur):
    line = ids["line_shop"]
    furnishing = query(app, lambda s: books.category_by_key(s, ids["association"],
                                                            "inrichting").id)
    bestuur.post(url(ids, "/bank/regels/{line}/kasboek", line=line),
                 data={"boek-category_id": str(furnishing)})
    entry = query(app, lambda s: s.scalar(sa.select(CashEntry.id).where(
        CashEntry.bank_line_id == line)))
    assert bestuur.post(url(ids, "/kasboek/{e}/corrigeren", e=entry),
                        data={"reason": "verkeerde categorie"}).status_code == 302
    response = bestuur.post(url(ids, "/bank/regels/{line}/kasboek", line=line),
                            data={"boek-category_id": str(ids["category_activiteiten"])})
    assert response.status_code == 302
    page = main_of(text(bestuur.get(url(ids, "/bank/regels/{line}", line=line))))
    assert "Kasboek: Inrichting ontmoetingsruimte, gecorrigeerd" in page
    assert "al verwerkt" in page


def test_ending_a_membership_takes_later_dues_off_the_overdue_list(app, ids, bestuur):
    response = bestuur.post(url(ids, "/leden/{member_vrij1}/einde"),
                            data={"ends_on": "2026-02-15", "reason": "verhuisd"})
    assert response.status_code == 302
    overdue = main_of(text(bestuur.get(url(ids, "/achterstanden"))))
    assert "Vera Vrij" in overdue and "€\xa030,00" in overdue and "€\xa045,00" not in overdue
    member = main_of(text(bestuur.get(url(ids, "/leden/{member_vrij1}"))))
    assert member.count("Lidmaatschap beëindigd per 15 februari 2026") == 4


def test_a_contribution_linked_to_an_activity_of_the_agenda(app, world, ids, login_as):
    agenda = rooms_world(app, world)
    coach = login_as("communitycoach")
    path = url(ids, "/meedoen/{resident_linde}")
    page = text(coach.get(path))
    assert "Weeklunch (Ontmoetingsruimte)" in page
    assert "Koffieochtend" not in page                  # still ahead: nothing to record yet
    response = coach.post(path, data={"kind": "helpt_buren", "booking_id": str(agenda.past),
                                      "on": "2026-06-15"})
    assert field_error(text(response), "booking_id") == \
        "Een activiteit uit de agenda hoort bij organiseren of meedoen."
    response = coach.post(path, data={"kind": "deed_mee", "booking_id": str(agenda.past),
                                      "on": "2026-06-15", "note": "kookte mee"})
    assert response.status_code == 302
    records = main_of(text(coach.get(path)))
    assert "11 jun 2026: deed mee aan een activiteit: Weeklunch" in records
    overview = main_of(text(coach.get(url(ids, "/meedoen"))))
    assert "1 activiteit uit de agenda" in overview
    elsewhere = coach.post(path, data={"kind": "deed_mee", "booking_id": str(agenda.coffee),
                                       "on": "2026-06-15"})
    assert field_error(text(elsewhere), "booking_id") == \
        "Kies een activiteit van de ruimtes van deze locatie."
