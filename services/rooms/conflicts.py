"""Whether each occurrence of a booking can take place, as pure rules over plain values.

Every slot is checked on its own against the room's booked occurrences, its blocked
periods, its opening hours on that weekday and the booking horizon; intervals are
half-open (a booking ending at 12:00 and one starting at 12:00 do not collide).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from services.rooms.recurrence import Slot


class Problem:
    """The kinds of reasons a date cannot be booked."""

    TAKEN = "taken"          # another booking overlaps
    BLOCKED = "blocked"      # a blocked period (cleaning, maintenance, holidays)
    CLOSED = "closed"        # outside the opening hours of that weekday
    TOO_FAR = "too_far"      # beyond the room's booking horizon
    PAST = "past"            # already begun


@dataclass(frozen=True)
class Busy:
    """Something that occupies the room: a booked occurrence or a blocked period."""

    starts_at: datetime
    ends_at: datetime
    label: str
    booking_id: int | None = None


@dataclass(frozen=True)
class Clash:
    kind: str
    label: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class DateCheck:
    """A slot with the reasons it cannot be booked (none: it is free)."""

    slot: Slot
    clashes: tuple[Clash, ...] = ()

    @property
    def free(self) -> bool:
        return not self.clashes


@dataclass(frozen=True)
class Rules:
    """The room's rules as plain values: opening hours per weekday (0 = Monday), the
    last date that may be booked, and the moment before which nothing can start."""

    opening: dict[int, tuple[time, time]]
    last_day: date
    now: datetime


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def within_opening(slot: Slot, opening: dict[int, tuple[time, time]]) -> bool:
    """Whether the slot lies inside the opening hours of its (local) weekday."""
    hours = opening.get(slot.day.weekday())
    if hours is None:
        return False
    local_start, local_end = slot.local_start, slot.local_end
    return (local_start.date() == local_end.date() == slot.day
            and hours[0] <= local_start.time() and local_end.time() <= hours[1])


def check_slot(slot: Slot, rules: Rules, bookings: list[Busy], blocks: list[Busy]) -> DateCheck:
    clashes = []
    if slot.starts_at < rules.now:
        clashes.append(Clash(Problem.PAST))
    if slot.day > rules.last_day:
        clashes.append(Clash(Problem.TOO_FAR))
    if not within_opening(slot, rules.opening):
        clashes.append(Clash(Problem.CLOSED))
    clashes += [Clash(Problem.BLOCKED, b.label, b.starts_at, b.ends_at) for b in blocks
                if overlaps(slot.starts_at, slot.ends_at, b.starts_at, b.ends_at)]
    clashes += [Clash(Problem.TAKEN, b.label, b.starts_at, b.ends_at) for b in bookings
                if overlaps(slot.starts_at, slot.ends_at, b.starts_at, b.ends_at)]
    return DateCheck(slot, tuple(clashes))


def check_slots(slots: list[Slot], rules: Rules, bookings: list[Busy],
                blocks: list[Busy]) -> list[DateCheck]:
    """Check every slot; ``bookings`` must not contain the occurrences being moved."""
    return [check_slot(slot, rules, bookings, blocks) for slot in slots]

