"""Monitoring rules as pure functions of plain values (no database, ``today`` passed in).

Each returns findings; thresholds come from the site's settings. Texts are Dutch: they
are stored on the signal and mailed in the digest.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from services.monitoring.findings import Finding
from services.registry.mix_rules import DEFAULT_TARGET, Direction, MixAssessment, MixStatus
from services.words import counted

DIRECTION_NL = {Direction.HIGH: "te veel begeleid", Direction.LOW: "te weinig begeleid"}
#: seed 004 "Gemengd Wonen met een duurzame community-aanpak", the default; each site keeps its own band (Site.active_share_*)
ACTIVE_SHARE_LOW, ACTIVE_SHARE_HIGH = Fraction(1, 2), Fraction(7, 10)


def _pct(share: Fraction | None) -> str:
    return "–" if share is None else f"{float(share) * 100:.1f}%".replace(".", ",")


def _target_nl(target: Fraction) -> str:
    return "een derde" if target == Fraction(1, 3) else _pct(target)


def mix_finding(subject: str, name: str, a: MixAssessment, link: str | None,
                target: Fraction = DEFAULT_TARGET) -> Finding | None:
    """Out of band (warning) or at the discussion point (info), for the site or a part;
    ``target`` is the site's own target share."""
    if a.status not in (MixStatus.OUT_OF_BAND, MixStatus.DISCUSS):
        return None
    severity = "warning" if a.status is MixStatus.OUT_OF_BAND else "info"
    state = "buiten de band" if a.status is MixStatus.OUT_OF_BAND else "bespreekpunt"
    return Finding(
        rule="mix", subject=subject, severity=severity,
        title=f"Mix {name}: {state} ({DIRECTION_NL.get(a.direction, '')})",
        explanation=(f"{name} heeft volgens de gepubliceerde cijfers ongeveer {a.begeleid} "
                     f"begeleide van {a.total} bewoners ({_pct(a.share)}). Het streefaandeel "
                     f"is {_target_nl(target)}."),
        link=link, figures={"begeleid": a.begeleid, "total": a.total})


@dataclass(frozen=True)
class TrendPoint:
    begeleid: int
    total: int


def mix_trend(name: str, points: list[TrendPoint], target: Fraction, tolerance: Fraction,
              link: str | None) -> Finding | None:
    """A drift away from the target over the window (usually 12 months): the share moved
    more than ``tolerance`` and now lies further from the target than at the start."""
    known = [p for p in points if p.total]
    if len(known) < 2:
        return None
    first = Fraction(known[0].begeleid, known[0].total)
    last = Fraction(known[-1].begeleid, known[-1].total)
    if abs(last - first) <= tolerance or abs(last - target) <= abs(first - target):
        return None
    direction = "gestegen" if last > first else "gedaald"
    return Finding(
        rule="mix_trend", subject="site", severity="info",
        title=f"Mix {name}: aandeel begeleid {direction} van {_pct(first)} naar {_pct(last)}",
        explanation=(f"Het aandeel begeleide bewoners van {name} is in {len(points) - 1} "
                     f"maanden {direction} van {_pct(first)} naar {_pct(last)} en beweegt "
                     f"van het streefaandeel af. Bespreek de trend in het IMO."),
        link=link, figures={"from": float(first), "to": float(last)})


def mix_forecast(name: str, now: MixAssessment, forecast: MixAssessment, pending: int,
                 target: Fraction, link: str | None) -> Finding | None:
    """The mix after the placements the corporation decided but that have not moved in yet,
    when that takes the site out of the band, or further out of it."""
    if pending == 0 or forecast.status is not MixStatus.OUT_OF_BAND:
        return None
    if now.status is MixStatus.OUT_OF_BAND and now.share is not None \
            and abs(forecast.share - target) <= abs(now.share - target):
        return None
    return Finding(
        rule="mix_forecast", subject="site", severity="warning", audience="care_data",
        title=f"Prognose mix {name}: buiten de band na "
              f"{counted(pending, 'geplande plaatsing', 'geplande plaatsingen')}",
        explanation=(f"Na de {pending} toegewezen maar nog niet verhuisde kandidaten heeft "
                     f"{name} {forecast.begeleid} begeleide van {forecast.total} bewoners "
                     f"({_pct(forecast.share)})."),
        link=link, figures={"begeleid": forecast.begeleid, "total": forecast.total,
                            "pending": pending})


def active_share(name: str, active: int, total: int, low: Fraction = ACTIVE_SHARE_LOW,
                 high: Fraction = ACTIVE_SHARE_HIGH, link: str | None = None) -> Finding | None:
    """seed 004 "Gemengd Wonen met een duurzame community-aanpak": about 50-70% of residents contribute actively in a healthy
    community. Outside that range is a point to discuss (info)."""
    if total == 0:
        return None
    share = Fraction(active, total)
    if low <= share <= high:
        return None
    side = "laag" if share < low else "hoog"
    return Finding(
        rule="active_share", subject="site", severity="info",
        title=f"Actieve bijdrage {name}: {_pct(share)} ({side})",
        explanation=(f"{active} van {total} bewoners dragen actief bij ({_pct(share)}); in een "
                     f"gezonde gemeenschap is dat ongeveer {_pct(low)} tot {_pct(high)}. Niet "
                     f"elke bijdrage is zichtbaar: bespreek het in het communityteam."),
        link=link, figures={"active": active, "total": total})
