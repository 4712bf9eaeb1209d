"""Locked IMO minutes: the generated agenda frozen as plain JSON data when the minutes
are locked, and read back from it, so the meeting page, the print view and the PDF show
the agenda exactly as it stood at the lock; later changes are addenda.

People are frozen by id: names are looked up when the minutes are shown, so a name the
privacy job anonymised is anonymised in old minutes too. Candidates' own texts
(motivation, facts, advice) are frozen; ``anonymised_entry`` blanks them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import Candidate, ImoMeeting
from services.imo.agenda import (Agenda, CandidateOnAgenda, Placement, Vacancy,
                                 VacancyWhatIf, build_agenda, resident_names)
from services.imo.placement import Handover
from services.imo.rules import Mutation, WhatIf
from services.registry.mix import PartMix
from services.registry.mix_rules import Direction, MixAssessment, MixStatus

VERSION = 2
REDACTED = "[verwijderd]"


@dataclass(frozen=True)
class FrozenFact:
    on: date
    kind: str
    note: str | None


@dataclass(frozen=True)
class FrozenCandidate:
    """A candidate as the agenda showed them at the lock; ``status`` and
    ``care_organisation_id`` are current (they decide who may see what now)."""

    id: int
    name: str
    status: str
    care_organisation_id: int | None
    support_status: str
    intake_route: str
    household_size: int
    motivation: str | None
    facts: list[FrozenFact]


@dataclass(frozen=True)
class FrozenEntry:
    """The IMO's advice on a candidate as it was recorded at the lock."""

    id: int
    advice: str | None
    conditions: str | None
    reasoning: str | None
    unit_id: int | None


# ---------------------------------------------------------------- freezing

def _figures(a: MixAssessment) -> dict:
    return {"begeleid": a.begeleid, "total": a.total, "status": a.status.value,
            "direction": a.direction.value if a.direction else None}


def _row(p: PartMix) -> dict:
    return {"part_id": p.part_id, "name": p.name, "units": p.units, "occupied": p.occupied,
            "mix": _figures(p.assessment)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _vacancy(v: Vacancy) -> dict:
    return {"unit_id": v.unit_id, "number": v.number, "part_id": v.part_id,
            "part_name": v.part_name, "available_from": _day(v.available_from),
            "assigned_candidate_id": v.assigned_candidate_id,
            "assigned_resident_id": v.assigned_resident_id, "moves_in_on": _day(v.moves_in_on)}


def _what_if(w: WhatIf) -> dict:
    return {"site": _figures(w.site), "part": _figures(w.part) if w.part else None}


def _candidate(c: CandidateOnAgenda) -> dict:
    person, entry = c.candidate, c.entry
    return {
        "candidate_id": person.id, "entry_id": entry.id, "name": person.name,
        "support_status": person.support_status, "intake_route": person.intake_route,
        "household_size": person.household_size, "motivation": person.motivation,
        "facts": [{"on": f.on.isoformat(), "kind": f.kind, "note": f.note}
                  for f in person.facts],
        "advice": entry.advice, "conditions": entry.conditions,
        "reasoning": entry.reasoning, "unit_id": entry.unit_id,
        "placements": [{"vacancy": _vacancy(p.vacancy), **_what_if(p.outcome)}
                       for p in c.placements],
    }


def snapshot(agenda: Agenda) -> dict:
    """The whole generated agenda as plain (JSON) data, frozen when minutes are locked.
    ``site``, ``parts`` and ``mutations`` keep the summary older snapshots held."""
    return {
        "version": VERSION,
        "on": agenda.meeting.held_on.isoformat(),
        "since": agenda.since.isoformat(),
        "site_units": agenda.site_units,
        "site": _figures(agenda.whole.assessment),
        "parts": {p.name: _figures(p.assessment) for p in agenda.parts},
        "whole": _row(agenda.whole),
        "part_rows": [_row(p) for p in agenda.parts],
        "vacant_part_ids": [p.part_id for p in agenda.vacant_parts],
        "vacancies": [_vacancy(v) for v in agenda.vacancies],
        "vacancy_whatifs": [{"vacancy": _vacancy(w.vacancy), "begeleid": _what_if(w.begeleid),
                             "onbegeleid": _what_if(w.onbegeleid)}
                            for w in agenda.vacancy_whatifs],
        "mutations": agenda.mutation_counts,
        "mutation_list": [{"on": m.on.isoformat(), "kind": m.kind,
                           "resident_id": m.resident_id, "part_id": m.part_id,
                           "status_before": m.status_before, "status_after": m.status_after}
                          for m in agenda.mutations],
        "candidates": [_candidate(c) for c in agenda.candidates],
        # the welkomstcommissie's note is left out: it is personal and not on the agenda
        "handovers": [{"id": h.id, "resident_id": h.resident_id,
                       "unit_number": h.unit_number, "move_in_date": _day(h.move_in_date),
                       "done_at": h.done_at.isoformat() if h.done_at else None}
                      for h in agenda.handovers],
    }


def anonymised_entry(entry: dict, name: str) -> dict:
    """A candidate's entry of a snapshot after the privacy job anonymised them: the
    figures and the advice stay, the person and the free text about them go."""
    return {**entry, "name": name, "motivation": None,
            "facts": [{**f, "note": None} for f in entry.get("facts") or []],
            "conditions": REDACTED if entry.get("conditions") else None, "reasoning": None}


# ---------------------------------------------------------------- reading back

def _assessment(f: dict) -> MixAssessment:
    total, begeleid = f["total"], f["begeleid"]
    return MixAssessment(begeleid, total, Fraction(begeleid, total) if total else None,
                         MixStatus(f["status"]),
                         Direction(f["direction"]) if f["direction"] else None)


def _part(r: dict) -> PartMix:
    return PartMix(r["part_id"], r["name"], r["units"], r["occupied"], _assessment(r["mix"]))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _thaw_vacancy(v: dict, names: dict | None = None) -> Vacancy:
    """``names``: ("candidate" | "resident", id) -> name, for whom a unit was promised to."""
    candidate, resident = v.get("assigned_candidate_id"), v.get("assigned_resident_id")
    name = (names or {}).get(("candidate", candidate) if candidate else ("resident", resident))
    return Vacancy(v["unit_id"], v["number"], v["part_id"], v["part_name"],
                   _date(v["available_from"]), candidate, resident,
                   name if (candidate or resident) else None, _date(v.get("moves_in_on")))


def _thaw_what_if(w: dict) -> WhatIf:
    return WhatIf(_assessment(w["site"]), _assessment(w["part"]) if w["part"] else None)


def _thaw_candidate(c: dict, live: Candidate | None) -> CandidateOnAgenda:
    person = FrozenCandidate(
        c["candidate_id"], c["name"], live.status if live else "",
        live.care_organisation_id if live else None, c["support_status"],
        c["intake_route"], c["household_size"], c["motivation"],
        [FrozenFact(date.fromisoformat(f["on"]), f["kind"], f["note"]) for f in c["facts"]])
    entry = FrozenEntry(c["entry_id"], c["advice"], c["conditions"], c["reasoning"],
                        c["unit_id"])
    placements = [Placement(_thaw_vacancy(p["vacancy"]), _thaw_what_if(p))
                  for p in c["placements"]]
    return CandidateOnAgenda(entry, person, placements)


def thaw(session: Session, meeting: ImoMeeting) -> Agenda:
    """The agenda of locked minutes, read back from their snapshot."""
    s = meeting.snapshot
    parts = [_part(r) for r in s["part_rows"]]
    vacant = set(s["vacant_part_ids"])
    mutations = [Mutation(date.fromisoformat(m["on"]), m["kind"], m["resident_id"],
                          m["part_id"], m["status_before"], m["status_after"])
                 for m in s["mutation_list"]]
    ids = {c["candidate_id"] for c in s["candidates"]}
    live = {c.id: c for c in session.scalars(sa.select(Candidate).where(Candidate.id.in_(ids)))}
    promised = [v for v in s["vacancies"] if v.get("assigned_candidate_id")
                or v.get("assigned_resident_id")]
    names = resident_names(session, {m.resident_id for m in mutations}
                           | {h["resident_id"] for h in s["handovers"]}
                           | {v["assigned_resident_id"] for v in promised})
    holders = {("resident", rid): name for rid, (name, _unit) in names.items()} | {
        ("candidate", cid): name for cid, name in session.execute(
            sa.select(Candidate.id, Candidate.name).where(Candidate.id.in_(
                {v["assigned_candidate_id"] for v in promised})))}
    handovers = [Handover(h["id"], names.get(h["resident_id"], ("?", ""))[0],
                          h["unit_number"], date.fromisoformat(h["move_in_date"]),
                          datetime.fromisoformat(h["done_at"]) if h["done_at"] else None,
                          None, h["resident_id"])
                 for h in s["handovers"]]
    return Agenda(meeting, date.fromisoformat(s["since"]), s["site_units"], _part(s["whole"]),
                  parts, [_thaw_vacancy(v, holders) for v in s["vacancies"]],
                  [p for p in parts if p.part_id in vacant], mutations,
                  [_thaw_candidate(c, live.get(c["candidate_id"])) for c in s["candidates"]],
                  handovers, {rid: names[rid] for rid in {m.resident_id for m in mutations}
                              if rid in names},
                  frozen_at=meeting.locked_at,
                  # (minutes locked before this was on the agenda have none)
                  vacancy_whatifs=[VacancyWhatIf(_thaw_vacancy(w["vacancy"]),
                                                 _thaw_what_if(w["begeleid"]),
                                                 _thaw_what_if(w["onbegeleid"]))
                                   for w in s.get("vacancy_whatifs", [])])


def agenda_of(session: Session, meeting: ImoMeeting) -> Agenda:
    """The agenda to show: frozen for locked minutes, computed for open ones. Minutes
    locked before snapshots held the whole agenda are computed, with point 2 as frozen."""
    if meeting.snapshot and meeting.snapshot.get("version", 1) >= VERSION:
        return thaw(session, meeting)
    agenda = build_agenda(session, meeting)
    if meeting.snapshot:
        agenda.legacy_figures = meeting.snapshot
    return agenda
