"""The remembered live norms (``day_norm`` walking through days) equal the norms
computed afresh for every day, across move-ins and -outs, status changes, overrides,
month ends and project years (including a project that starts on 29 February)."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from services.hours.calendar import NormInputs, day_norm, live_day_norm
from services.hours.norms import OverrideRecord
from services.registry.mix import Occupancy, StatusRecord


def _occupancies(rng: random.Random, start: date) -> tuple[Occupancy, ...]:
    found = []
    for n in range(40):
        move_in = start + timedelta(days=rng.randint(-30, 900))
        move_out = move_in + timedelta(days=rng.randint(10, 700)) if rng.random() < 0.5 \
            else None
        statuses = [StatusRecord(move_in, "begeleid", 1 + n % 2, Decimal(rng.choice((3, 6))))
                    if rng.random() < 0.4 else StatusRecord(move_in, "onbegeleid", None, None)]
        if rng.random() < 0.3:
            statuses.append(StatusRecord(move_in + timedelta(days=rng.randint(1, 300)),
                                         "begeleid", 2, Decimal(4)))
        found.append(Occupancy(n, n, None, move_in, move_out, tuple(statuses)))
    return tuple(found)


@pytest.mark.parametrize("start", [date(2022, 3, 14), date(2024, 2, 29)])
def test_remembered_norms_equal_fresh_ones(start):
    rng = random.Random(7)
    overrides = (OverrideRecord("opgeschaald", start + timedelta(days=200),
                                start + timedelta(days=260), Decimal(20), "extra inzet"),
                 OverrideRecord("waakvlam", start + timedelta(days=3 * 365 + 40)))
    inputs = NormInputs(start, 80, Decimal(36), overrides, _occupancies(rng, start))
    day = start - timedelta(days=5)
    while day < start + timedelta(days=5 * 365):
        assert day_norm(inputs, day) == live_day_norm(inputs, day), day
        day += timedelta(days=1)
