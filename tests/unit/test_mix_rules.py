"""The mix band (seed 004 "2. Passende mix"): target 1/3 begeleid, small sites may go to 1/2."""
from decimal import Decimal
from fractions import Fraction

import pytest

from services.registry.mix_rules import Direction, MixBand, MixStatus, assess_mix

OK, DISCUSS, OUT, EMPTY = (MixStatus.OK, MixStatus.DISCUSS, MixStatus.OUT_OF_BAND,
                           MixStatus.EMPTY)
HIGH, LOW = Direction.HIGH, Direction.LOW


@pytest.mark.parametrize("begeleid,total,units,status,direction", [
    (0, 0, 72, EMPTY, None),             # no residents: no share, no verdict
    (0, 0, 0, EMPTY, None),
    (24, 72, 72, OK, None),              # exactly 1/3
    (1, 3, 3, OK, None),                 # tiny site, exactly 1/3
    (26, 72, 72, OK, HIGH),              # 36.1%: within 5 points
    (21, 72, 72, OK, LOW),               # 29.2%
    (30, 72, 72, DISCUSS, HIGH),         # 41.7%: within 10 points
    (18, 72, 72, DISCUSS, LOW),          # 25.0%: within 10 points below
    (32, 72, 72, OUT, HIGH),             # 44.4% on a 72-unit site
    (16, 72, 72, OUT, LOW),              # 22.2%
    (30, 60, 60, DISCUSS, HIGH),         # exactly 1/2 at 60 units: bespreekpunt
    (30, 60, 61, OUT, HIGH),             # exactly 1/2 at 61 units: out of band
    (31, 60, 60, OUT, HIGH),             # above 1/2 even on a small site
    (1, 2, 2, DISCUSS, HIGH),            # tiny site, half/half
    (2, 2, 2, OUT, HIGH),                # everyone begeleid
    (0, 1, 1, OUT, LOW),                 # nobody begeleid is also outside the band
    (0, 40, 40, OUT, LOW),
    (40, 100, 100, DISCUSS, HIGH),       # 40% on a large site
])
def test_assess_mix_default_band(begeleid, total, units, status, direction):
    result = assess_mix(begeleid, total, units)
    assert result.status is status
    assert result.direction == direction
    assert result.begeleid == begeleid and result.onbegeleid == total - begeleid


def test_share_is_exact():
    result = assess_mix(1, 3, 10)
    assert result.share == Fraction(1, 3)
    assert result.percentage == pytest.approx(33.333, abs=0.001)


def test_edges_are_inclusive():
    band = MixBand(target=Fraction(1, 3), tolerance=Fraction(1, 20))
    # 1/3 + 1/20 = 23/60 exactly on the ok edge; one resident more is past it
    assert assess_mix(23, 60, 200, band).status is OK
    assert assess_mix(24, 60, 200, band).status is DISCUSS
    # 1/3 + 1/10 = 13/30 exactly on the discuss edge
    assert assess_mix(13, 30, 200, band).status is DISCUSS
    assert assess_mix(14, 30, 200, band).status is OUT


def test_stored_decimal_third_reads_as_one_third():
    band = MixBand.of(Decimal("0.3333"), Decimal("0.05"), 60, Decimal("0.5"))
    assert band.target == Fraction(1, 3)
    assert assess_mix(24, 72, 72, band).direction is None


def test_site_specific_band():
    band = MixBand.of(Decimal("0.5"), Decimal("0.1"), 0, Decimal("0.5"))
    assert assess_mix(30, 60, 60, band).status is OK
    assert assess_mix(20, 60, 60, band).status is DISCUSS   # 33% vs target 50%, 17 points
    assert assess_mix(10, 60, 60, band).status is OUT


@pytest.mark.parametrize("begeleid,total", [(-1, 3), (4, 3), (0, -1)])
def test_impossible_counts_are_refused(begeleid, total):
    with pytest.raises(ValueError):
        assess_mix(begeleid, total, 10)
