"""Counting the mix on a date from dated stays and status history (pure, no database)."""
from datetime import date
from decimal import Decimal

from services.registry.mix import Occupancy, StatusRecord, count_mix, history_dates, status_on

B = lambda d, org=1: StatusRecord(d, "begeleid", org, Decimal(6))  # noqa: E731
O = lambda d: StatusRecord(d, "onbegeleid", None, None)  # noqa: E731


def test_status_on_takes_latest_valid_from_and_last_recorded_on_ties():
    history = (O(date(2024, 1, 1)), B(date(2025, 1, 1)), O(date(2025, 1, 1)))
    assert status_on(history, date(2023, 12, 31)) is None
    assert status_on(history, date(2024, 6, 1)).status == "onbegeleid"
    # two records for 2025-01-01: the one recorded last is the correction that counts
    assert status_on(history, date(2025, 1, 1)).status == "onbegeleid"


def test_move_out_day_is_no_longer_counted():
    stay = Occupancy(1, 10, 100, date(2024, 1, 1), date(2025, 1, 1), (B(date(2024, 1, 1)),))
    assert count_mix([stay], date(2024, 12, 31))["site"].begeleid == 1
    assert "site" not in count_mix([stay], date(2025, 1, 1))
    assert "site" not in count_mix([stay], date(2023, 12, 31))


def test_mix_follows_status_changes_without_moves():
    drager = Occupancy(1, 10, 100, date(2024, 1, 1), None,
                       (O(date(2024, 1, 1)), B(date(2025, 3, 1))))
    other = Occupancy(2, 11, 200, date(2024, 1, 1), None, (O(date(2024, 1, 1)),))
    before = count_mix([drager, other], date(2025, 2, 28))
    after = count_mix([drager, other], date(2025, 3, 1))
    assert (before["site"].begeleid, before["site"].total) == (0, 2)
    assert (after["site"].begeleid, after["site"].total) == (1, 2)
    assert after[100].begeleid == 1 and after[200].begeleid == 0
    assert after["site"].units == {10, 11}


def test_history_dates_are_month_starts_and_today():
    dates = history_dates(date(2026, 11, 23), 24)
    assert dates[0] == date(2024, 12, 1)
    assert dates[-2] == date(2026, 11, 1)
    assert dates[-1] == date(2026, 11, 23)
    assert len(dates) == 25
    assert history_dates(date(2026, 11, 1), 3) == [date(2026, 9, 1), date(2026, 10, 1),
                                                   date(2026, 11, 1)]
