"""The minutes on a meeting page (IMO and governance) travel with every form of the page.

The editable part of a meeting page is one HTML form: each button posts it to its own
route (``formaction``), so whatever button is pressed the browser also sends every
minutes textarea (and, on a governance page, every "afgehandeld" box). Each textarea
comes with a fingerprint of the text as the page showed it (``was-<id>``); a route first
saves the minutes whose posted text differs from what the page showed along with its own
work. So typed minutes are never lost when another form on the page is sent, and a text
nobody touched on this page never overwrites what someone else saved meanwhile. Works
without JavaScript.

A governance page answers a refused form with the page itself (status 422): nothing is
saved and the minutes come back as typed. The IMO page answers a refusal with a message
above the page (a redirect), so there the minutes are saved on their own first.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable, Mapping


def normalised(text: str | None) -> str:
    """A text as compared: browsers post CRLF line ends and the page may add a leading
    newline; surrounding blanks never count (the services strip them)."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def fingerprint(text: str | None) -> str:
    """Short digest of a minutes text as shown on the page."""
    return hashlib.sha256(normalised(text).encode()).hexdigest()[:16]


@dataclass
class PostedMinutes:
    """What a post of a meeting page changed in the minutes."""

    texts: dict[int, str] = field(default_factory=dict)  # item id -> new text
    handled: dict[int, bool] = field(default_factory=dict)  # item id -> new state
    posted: dict[int, str] = field(default_factory=dict)  # everything typed, as drafts
    too_long: list[int] = field(default_factory=list)  # item ids

    @property
    def changed(self) -> bool:
        return bool(self.texts or self.handled)


def posted_minutes(form: Mapping[str, str], items: Iterable, *, max_length: int,
                   legacy: bool = False, with_handled: bool = False) -> PostedMinutes:
    """The minutes (and handled marks) a post changed, for ``items`` (agenda items with
    ``id``, ``minutes`` and, with ``with_handled``, ``handled``).

    A text counts as changed when it differs from the stored text and from what the page
    showed (its fingerprint). Without a fingerprint (a post not made from the page) a
    posted text counts only when ``legacy`` (the route that saves the minutes, and only
    for a post without any fingerprint), as do the handled marks: then an absent box
    means "not handled"."""
    result = PostedMinutes()
    legacy = legacy and not any(key.startswith("was-") for key in form)
    for item in items:
        name = f"item-{item.id}"
        if name in form:
            text = form[name]
            result.posted[item.id] = text
            shown = form.get(f"was-{item.id}")
            touched = legacy if shown is None else fingerprint(text) != shown
            if touched and normalised(text) != normalised(item.minutes):
                if len(normalised(text)) > max_length:
                    result.too_long.append(item.id)
                result.texts[item.id] = text
        if with_handled:
            ticked = bool(form.get(f"handled-{item.id}"))
            shown_handled = form.get(f"handled-was-{item.id}")
            if shown_handled is None:
                touched = legacy
            else:
                touched = ticked != (shown_handled == "1")
            if touched and ticked != bool(item.handled):
                result.handled[item.id] = ticked
    return result
