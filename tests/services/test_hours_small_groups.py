"""A care organisation with fewer than SMALL_GROUP clients on the site: its 10% norm is a
tenth of their indicated hours, so whoever may not see its care data per person gets the
hours, not the norm, the status (which bounds the norm), the client count or the
indicated hours; the site's care and overall norms and statuses are then withheld from
them too (subtraction would give the small group's norm away). The world of tests/conftest.py has one client at De Linde and one at
Het Anker; the sociaal beheerder sees everything, a begeleider their own organisation."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from models import Resident
from services.hours import monitoring as hour_rules
from services.hours.norms import Band, HourStatus
from services.hours.periods import parse_period
from services.hours.reports import SMALL_GROUP, build_report
from services.monitoring import signals as signal_service
from services.registry import residents as rs
from tests.conftest import TODAY, build_world
from tests.hours_fixtures import access_of, log

MAY = parse_period("maand", "2026-05", TODAY)


@pytest.fixture
def w(session):
    world = build_world(session)
    log(session, world.site, "begeleider", date(2026, 5, 6), 2, "begeleider",
        world.orgs["linde"].id)
    log(session, world.site, "sociaal_beheerder", date(2026, 5, 7), 8, "sociaal_beheer",
        world.site.corporation_id)
    return world


def report_as(session, w, role, period=MAY):
    return build_report(session, w.site, access_of(session, w.site, role), period, TODAY)


def care(report) -> dict:
    return {s.organisation: s for s in report.care}


def totals(report) -> dict:
    return {str(item.key): item for item in report.totals}


def orgs(report) -> dict:
    return {item.name: item for item in report.organisations}


def grow_linde(session, w, since: date) -> None:
    """De Linde gets two more clients from ``since`` and Het Anker's client moves over:
    De Linde has 4 (from ``since``), Het Anker none."""
    for key in ("vrij1", "vrij2", "anker"):
        rs.record_status_change(session, session.get(Resident, w.residents[key].id),
                                valid_from=since, note=None, actor_id=None,
                                support=rs.SupportData("begeleid", w.orgs["linde"].id,
                                                       Decimal(5)))


def test_the_sociaal_beheerder_sees_every_norm(session, w):
    report = report_as(session, w, "sociaal_beheerder")
    assert all(not s.withheld and s.total.norm is not None and s.facts for s in report.care)
    assert totals(report)["begeleider"].norm is not None
    assert not any(item.withheld for item in report.totals)


@pytest.mark.parametrize("role", ["kerngroep", "stuurgroep"])
def test_aggregate_roles_get_hours_but_no_small_groups_norm_or_status(session, w, role):
    full = report_as(session, w, "sociaal_beheerder")
    mine = report_as(session, w, role)
    for name, section in care(mine).items():
        assert section.withheld and section.facts == {}
        assert section.total.norm is None and all(r.norm is None for r in section.rows)
        # the hours stay; the judgement goes, since it bounds the norm
        assert section.total.actual == care(full)[name].total.actual
        assert care(full)[name].total.status is not HourStatus.WITHHELD
        assert section.total.status is HourStatus.WITHHELD
        assert all(r.status is HourStatus.WITHHELD for r in section.rows)
    for key in ("begeleider", "totaal"):  # else: total minus the others gives it away
        assert totals(mine)[key].withheld and totals(mine)[key].norm is None
        assert totals(mine)[key].status is HourStatus.WITHHELD
    assert orgs(mine)["Zorggroep De Linde"].status is HourStatus.WITHHELD
    assert not totals(mine)["beheer"].withheld
    assert totals(mine)["beheer"].norm == totals(full)["beheer"].norm
    assert orgs(mine)["Zorggroep De Linde"].withheld
    assert orgs(mine)["Zorggroep De Linde"].norm is None
    assert orgs(mine)["Woonstichting Test"].norm == orgs(full)["Woonstichting Test"].norm


def test_a_begeleider_sees_their_own_organisations_norm_not_the_sites(session, w):
    report = report_as(session, w, "begeleider")  # of De Linde
    own = care(report)["Zorggroep De Linde"]
    assert not own.withheld and own.total.norm == Band.of(Fraction(6 * 31, 70))
    assert own.facts["clients"] == 1
    assert "Stichting Het Anker" not in care(report)
    # Het Anker's single client would follow from the site's care norm minus De Linde's
    assert totals(report)["begeleider"].withheld


def test_a_group_of_enough_clients_is_shown_to_everyone(session, w):
    grow_linde(session, w, date(2026, 5, 1))
    report = report_as(session, w, "kerngroep")
    linde = care(report)["Zorggroep De Linde"]
    assert SMALL_GROUP <= 4
    assert not linde.withheld and linde.total.norm == Band.of(Fraction((6 + 5 * 3) * 31, 70))
    assert linde.facts == {"clients": 4, "indicated_hours": 21}
    assert totals(report)["begeleider"].norm == linde.total.norm
    assert not any(item.withheld for item in report.totals)


def test_a_small_group_on_any_day_of_the_period_is_withheld(session, w):
    grow_linde(session, w, date(2026, 5, 15))  # 1 client on 1-14 May, 4 after
    may = report_as(session, w, "kerngroep")
    assert care(may)["Zorggroep De Linde"].withheld and totals(may)["totaal"].withheld
    june = report_as(session, w, "kerngroep", parse_period("maand", "2026-06", TODAY))
    assert not care(june)["Zorggroep De Linde"].withheld


def test_the_signal_names_no_small_groups_norm(session, w):
    """The 10% signal of May (De Linde logged half an hour): for a small group only to
    those who see its care data (its existence says "under the norm")."""
    evaluation = next(e for e in hour_rules.hour_evaluations(session, w.site, TODAY)
                      if e.rule == "care_contribution")
    linde = next(f for f in evaluation.findings
                 if f.subject == f"org:{w.orgs['linde'].id}")
    assert "norm voor de maand" not in linde.explanation
    assert "minder dan 3 cliënten" in linde.explanation
    assert set(linde.figures) == {"actual"}
    assert linde.audience == f"care_data:{w.orgs['linde'].id}"
    assert not signal_service.visible(access_of(session, w.site, "kerngroep"), linde.audience)
    assert signal_service.visible(access_of(session, w.site, "begeleider"), linde.audience)
    assert signal_service.visible(access_of(session, w.site, "sociaal_beheerder"),
                                  linde.audience)
    grow_linde(session, w, date(2026, 4, 1))
    evaluation = next(e for e in hour_rules.hour_evaluations(session, w.site, TODAY)
                      if e.rule == "care_contribution")
    linde = next(f for f in evaluation.findings
                 if f.subject == f"org:{w.orgs['linde'].id}")
    assert "norm voor de maand" in linde.explanation and "low" in linde.figures
    assert linde.audience == f"care:{w.orgs['linde'].id}"  # enough clients: kerngroep too
