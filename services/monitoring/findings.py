"""What a rule returns: a finding, before it is stored as a signal."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ONGOING = "-"  # the period of a condition that holds until it clears


@dataclass(frozen=True)
class Finding:
    rule: str
    subject: str
    severity: str                 # info | warning | critical
    title: str                    # Dutch, with the figures
    explanation: str              # Dutch, with the figures
    period: str = ONGOING
    audience: str = "site"        # site | management | bestuur | imo | care_data | care[_data]:<org id>
    link: str | None = None       # a path in the app where it can be acted on
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """The findings of one rule on one site, and the periods it looked at: open signals of
    those periods that are not found again are resolved automatically."""

    rule: str
    periods: tuple[str, ...]
    findings: tuple[Finding, ...]
