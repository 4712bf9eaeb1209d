"""Pure IMO rules: what-if of a placement, mutations between two dates, the pipeline and
the invitation reminder."""
from datetime import date
from decimal import Decimal

import pytest

from services.imo.rules import can_move, mutations_between, should_invite, what_if
from services.registry.mix import Occupancy, StatusRecord, Tally
from services.registry.mix_rules import MixBand, MixStatus

B = lambda d: StatusRecord(d, "begeleid", 1, Decimal(6))  # noqa: E731
O = lambda d: StatusRecord(d, "onbegeleid", None, None)  # noqa: E731


@pytest.mark.parametrize("site,part,status,site_after,part_after", [
    # 23 of 71 begeleid on a 72-unit site; the vacancy's part has 7 of 23
    ((23, 71), (7, 23), "begeleid", ((24, 72), MixStatus.OK), ((8, 24), MixStatus.OK)),
    ((23, 71), (7, 23), "onbegeleid", ((23, 72), MixStatus.OK), ((7, 24), MixStatus.OK)),
    ((23, 71), (5, 19), "onbegeleid", ((23, 72), MixStatus.OK), ((5, 20), MixStatus.DISCUSS)),
    # a part that already leans begeleid tips out of the band with one more
    ((26, 71), (10, 23), "begeleid", ((27, 72), MixStatus.OK),
     ((11, 24), MixStatus.OUT_OF_BAND)),
    # an empty site: the first resident decides the share
    ((0, 0), (0, 0), "begeleid", ((1, 1), MixStatus.OUT_OF_BAND), ((1, 1), MixStatus.OUT_OF_BAND)),
])
def test_what_if(site, part, status, site_after, part_after):
    result = what_if(Tally(*site), Tally(*part), status, 72, MixBand())
    assert (result.site.begeleid, result.site.total) == site_after[0]
    assert result.site.status is site_after[1]
    assert (result.part.begeleid, result.part.total) == part_after[0]
    assert result.part.status is part_after[1]


def test_what_if_without_part():
    assert what_if(Tally(1, 3), None, "onbegeleid", 10, MixBand()).part is None


def test_mutations_between_dates():
    occ = [
        Occupancy(1, 10, 1, date(2026, 5, 10), None, (O(date(2026, 5, 10)),)),      # moved in
        Occupancy(2, 11, 1, date(2024, 1, 1), date(2026, 5, 20), (B(date(2024, 1, 1)),)),
        Occupancy(3, 12, 2, date(2024, 1, 1), None, (O(date(2024, 1, 1)), B(date(2026, 5, 15)))),
        Occupancy(4, 13, 2, date(2024, 1, 1), None, (O(date(2024, 1, 1)), B(date(2026, 4, 1)))),
        Occupancy(5, 14, 2, date(2026, 6, 2), None, (B(date(2026, 6, 2)),)),          # later
        # corrected on the same day back to the same status: no change
        Occupancy(6, 15, 2, date(2024, 1, 1), None, (O(date(2024, 1, 1)), B(date(2026, 5, 3)),
                                                     O(date(2026, 5, 3)))),
    ]
    found = mutations_between(occ, date(2026, 5, 1), date(2026, 6, 1))
    assert [(m.kind, m.resident_id) for m in found] == [
        ("move_in", 1), ("status_change", 3), ("move_out", 2)]
    change = found[1]
    assert (change.status_before, change.status_after) == ("onbegeleid", "begeleid")
    assert found[2].status_before == "begeleid"
    # the boundary: a move on the start date belongs to the previous period
    assert mutations_between(occ, date(2026, 5, 10), date(2026, 6, 1))[0].kind == "status_change"


@pytest.mark.parametrize("current,new,allowed", [
    ("aangemeld", "in_bespreking", True),
    ("in_bespreking", "advies_gegeven", True),
    ("advies_gegeven", "besluit_corporatie", True),
    ("besluit_corporatie", "geplaatst", True),
    ("aangemeld", "geplaatst", False),
    ("geplaatst", "aangemeld", False),
    ("afgewezen", "in_bespreking", False),
    ("aangehouden", "in_bespreking", True),
    ("in_bespreking", "afgewezen", False),   # rejection follows the corporation's decision
])
def test_pipeline(current, new, allowed):
    assert can_move(current, new) is allowed


@pytest.mark.parametrize("registered,status,last,invite", [
    (date(2026, 1, 1), "aangemeld", None, True),                   # 5.5 months, nothing
    (date(2026, 4, 1), "aangemeld", None, False),                  # only 2.5 months
    (date(2026, 3, 15), "in_bespreking", None, True),              # exactly 3 months
    (date(2025, 1, 1), "aangemeld", date(2026, 3, 1), False),      # active recently
    (date(2025, 1, 1), "aangemeld", date(2025, 12, 15), True),     # too long ago
    (date(2025, 1, 1), "aangemeld", date(2025, 12, 16), False),    # just within 6 months
    (date(2025, 1, 1), "geplaatst", None, False),                  # closed
    (date(2025, 1, 1), "aangehouden", None, True),                 # parked is still open
])
def test_invite_reminder(registered, status, last, invite):
    assert should_invite(registered, status, last, date(2026, 6, 15)) is invite
