"""Proposing which member a bank line is from (pure). The treasurer confirms every
proposal; nothing is booked on a guess.

Only money coming in is matched to members. In order of strength:

1. ``lidnummer``: the description quotes the number of exactly one member
   ("lidnummer 12", "lidnr. 12", "lid 12", "LID0012");
2. ``rekening``: the account paid from before for exactly one member (an earlier
   confirmed payment);
3. ``naam_bedrag``: the payer's name fits exactly one member and the amount is that
   member's open balance or a whole number (1-12) of their periods;
4. ``naam``: the name fits exactly one member, the amount does not (check it).

A name fits when the member's surname (the last word, ignoring "van", "de", ...) is a
word of the payer's name and the member's first name or its initial is too ("L Linde",
"LINDE L.", "Lies Linde", "Mw L. Linde e/o").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

REFERENCE = re.compile(r"\blid(?:maatschap)?(?:nummer|nr)?\.?\s*[:#-]?\s*0*(\d{1,5})\b",
                       re.IGNORECASE)
PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "la", "le", "el",
                       "al", "von", "da", "e/o", "en", "of"})
MAX_PERIODS = 12


@dataclass(frozen=True)
class Candidate:
    member_id: int
    number: int
    name: str
    open: Decimal                    # the member's open balance (0 when paid up)
    period_amount: Decimal | None    # one period's contribution, when known
    ibans: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Proposal:
    member_id: int
    reason: str                      # lidnummer | rekening | naam_bedrag | naam


def quoted_numbers(text: str) -> set[int]:
    return {int(n) for n in REFERENCE.findall(text or "")}


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.findall(r"[a-z]+", plain.lower())


def name_fits(member_name: str, payer: str) -> bool:
    names = [w for w in _words(member_name) if w not in PARTICLES]
    payer_words = set(_words(payer))
    if len(names) < 2 or names[-1] not in payer_words:
        return False
    first = names[0]
    return first in payer_words or first[0] in payer_words or any(
        w.startswith(first[0]) and len(w) <= 2 for w in payer_words)


def _amount_fits(amount: Decimal, candidate: Candidate) -> bool:
    if candidate.open > 0 and amount == candidate.open:
        return True
    period = candidate.period_amount
    return bool(period) and amount % period == 0 and 1 <= amount / period <= MAX_PERIODS


def _only(found: list[Candidate]) -> Candidate | None:
    return found[0] if len(found) == 1 else None


def propose(amount: Decimal, payer: str, payer_iban: str, description: str,
            candidates: list[Candidate]) -> Proposal | None:
    """The member this incoming amount most likely comes from, with the reason."""
    if amount <= 0:
        return None
    numbers = quoted_numbers(description)
    by_number = _only([c for c in candidates if c.number in numbers])
    if by_number:
        return Proposal(by_number.member_id, "lidnummer")
    by_account = _only([c for c in candidates if payer_iban and payer_iban in c.ibans])
    if by_account:
        return Proposal(by_account.member_id, "rekening")
    by_name = _only([c for c in candidates if name_fits(c.name, payer)])
    if by_name:
        return Proposal(by_name.member_id,
                        "naam_bedrag" if _amount_fits(amount, by_name) else "naam")
    return None
