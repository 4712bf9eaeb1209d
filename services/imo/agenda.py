"""The generated part of an IMO agenda: vacancies, the balance at the site and at each
part with a vacancy, the numbers, the mutations since the previous IMO, the candidates
with the what-if of every placement, and the handovers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import Candidate, ImoMeeting, MeetingCandidate, Resident, Site, SitePart, Unit
from services.registry.mix import (Occupancy, PartMix, Tally, band_of, count_mix,
                                   load_occupancies)
from services.registry.mix_rules import MixAssessment, assess_mix
from services.imo.placement import Handover
from services.imo.placement import handovers as list_handovers
from services.imo.rules import Mutation, WhatIf, mutations_between, what_if


@dataclass(frozen=True)
class Vacancy:
    unit_id: int
    number: str
    part_id: int | None
    part_name: str | None
    available_from: date | None     # None: empty since the unit was created


def vacancies(session: Session, site_id: int, today: date) -> list[Vacancy]:
    """Units that are or become free: no stay yet, or the latest stay has a move-out date
    (in the past, or ahead when a move-out has been announced). Shared units are left
    out: they take several residents and are matched by hand."""
    latest = (sa.select(Resident.unit_id, sa.func.max(Resident.move_in_date).label("last_in"))
              .where(Resident.unit_id.in_(sa.select(Unit.id).where(Unit.site_id == site_id)))
              .group_by(Resident.unit_id).subquery())
    rows = session.execute(
        sa.select(Unit, SitePart.name, Resident.move_out_date, Resident.id)
        .outerjoin(SitePart, SitePart.id == Unit.part_id)
        .outerjoin(latest, latest.c.unit_id == Unit.id)
        .outerjoin(Resident, sa.and_(Resident.unit_id == Unit.id,
                                     Resident.move_in_date == latest.c.last_in))
        .where(Unit.site_id == site_id, Unit.shared.is_(False))
        .order_by(Unit.number)).all()
    result: dict[int, Vacancy] = {}
    open_units = set()
    for unit, part_name, move_out, resident_id in rows:
        if resident_id is not None and move_out is None:
            open_units.add(unit.id)
            continue
        result.setdefault(unit.id, Vacancy(unit.id, unit.number, unit.part_id, part_name,
                                           move_out))
    return [v for uid, v in result.items() if uid not in open_units]


@dataclass(frozen=True)
class Placement:
    vacancy: Vacancy
    outcome: WhatIf


@dataclass(frozen=True)
class CandidateOnAgenda:
    entry: MeetingCandidate
    candidate: Candidate
    placements: list[Placement]


@dataclass
class Agenda:
    meeting: ImoMeeting
    since: date
    site_units: int
    whole: PartMix
    parts: list[PartMix]
    vacancies: list[Vacancy]
    vacant_parts: list[PartMix]
    mutations: list[Mutation]
    candidates: list[CandidateOnAgenda]
    handovers: list[Handover] = field(default_factory=list)
    #: resident id -> (name, unit number) for the mutations
    people: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def mutation_counts(self) -> dict[str, int]:
        counts = {"move_in": 0, "move_out": 0, "status_change": 0}
        for m in self.mutations:
            counts[m.kind] += 1
        return counts


def previous_meeting(session: Session, meeting: ImoMeeting) -> ImoMeeting | None:
    return session.scalar(sa.select(ImoMeeting).where(
        ImoMeeting.site_id == meeting.site_id, ImoMeeting.month < meeting.month)
        .order_by(ImoMeeting.month.desc()).limit(1))


def _part_mix(tallies: dict, key, name: str, units: int, site_units: int, band) -> PartMix:
    tally = tallies.get(key, Tally())
    return PartMix(None if key == "site" else key, name, units, len(tally.units),
                   assess_mix(tally.begeleid, tally.total, site_units, band))


def build_agenda(session: Session, meeting: ImoMeeting) -> Agenda:
    """Everything the seven points need, computed from the registry on the meeting date."""
    site = session.get(Site, meeting.site_id)
    on = meeting.held_on
    band = band_of(site)
    units_per_part = dict(session.execute(
        sa.select(Unit.part_id, sa.func.count()).where(Unit.site_id == site.id)
        .group_by(Unit.part_id)).all())
    site_units = sum(units_per_part.values())
    part_names = dict(session.execute(
        sa.select(SitePart.id, SitePart.name).where(SitePart.site_id == site.id)).all())
    occupancies: list[Occupancy] = load_occupancies(session, site.id)
    tallies = count_mix(occupancies, on)
    parts = [_part_mix(tallies, pid, name, units_per_part.get(pid, 0), site_units, band)
             for pid, name in sorted(part_names.items(), key=lambda item: item[1])]
    whole = _part_mix(tallies, "site", site.name, site_units, site_units, band)
    open_vacancies = vacancies(session, site.id, on)
    vacant_part_ids = {v.part_id for v in open_vacancies}
    previous = previous_meeting(session, meeting)
    since = previous.held_on if previous else on - relativedelta(months=1)
    tallies_on: dict[date, dict] = {}

    def outcome(candidate: Candidate, vacancy: Vacancy) -> WhatIf:
        when = max(on, vacancy.available_from or on)
        counts = tallies_on.setdefault(when, count_mix(occupancies, when))
        return what_if(counts.get("site", Tally()), counts.get(vacancy.part_id, Tally()),
                       candidate.support_status, site_units, band)

    entries = session.execute(
        sa.select(MeetingCandidate, Candidate).join(Candidate)
        .where(MeetingCandidate.meeting_id == meeting.id).order_by(MeetingCandidate.id)).all()
    candidates = [CandidateOnAgenda(entry, candidate,
                                    [Placement(v, outcome(candidate, v)) for v in open_vacancies])
                  for entry, candidate in entries]
    handovers = [h for h in list_handovers(session, site.id)
                 if h.done_at is None or h.move_in_date > since]
    mutations = mutations_between(occupancies, since, on)
    people = {rid: (name, number) for rid, name, number in session.execute(
        sa.select(Resident.id, Resident.name, Unit.number).join(Unit)
        .where(Resident.id.in_({m.resident_id for m in mutations})))}
    return Agenda(meeting, since, site_units, whole, parts, open_vacancies,
                  [p for p in parts if p.part_id in vacant_part_ids],
                  mutations, candidates, handovers, people)


def _figures(a: MixAssessment) -> dict:
    return {"begeleid": a.begeleid, "total": a.total, "status": a.status.value,
            "direction": a.direction.value if a.direction else None}


def snapshot(agenda: Agenda) -> dict:
    """The figures of the generated agenda as plain data, frozen when minutes are locked."""
    return {
        "on": agenda.meeting.held_on.isoformat(),
        "since": agenda.since.isoformat(),
        "site": _figures(agenda.whole.assessment),
        "parts": {p.name: _figures(p.assessment) for p in agenda.parts},
        "vacancies": [v.number for v in agenda.vacancies],
        "mutations": agenda.mutation_counts,
        "candidates": [{"name": c.candidate.name, "advice": c.entry.advice}
                       for c in agenda.candidates],
    }
