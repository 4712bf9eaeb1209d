"""The generated part of an IMO agenda: vacancies, the balance at the site and at each
part with a vacancy with the what-if of a begeleid or onbegeleid newcomer in every free
vacancy, the numbers, the mutations since the previous IMO, the candidates with the
what-if of every placement, and the handovers."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session, selectinload

from models import Candidate, ImoMeeting, MeetingCandidate, Resident, Site, SitePart, Unit
from models.enums import SupportStatus
from services.registry.disclosure import DisclosureRules
from services.registry.mix import (Occupancy, PartMix, Tally, band_of, count_mix,
                                   load_occupancies, site_mix)
from services.registry.mix_rules import MixAssessment, assess_mix
from services.imo.placement import Handover
from services.imo.placement import assignments
from services.imo.placement import handovers as list_handovers
from services.imo.rules import Mutation, WhatIf, mutations_between, what_if


@dataclass(frozen=True)
class Vacancy:
    unit_id: int
    number: str
    part_id: int | None
    part_name: str | None
    available_from: date | None     # None: empty since the unit was created
    #: promised already: to a candidate not placed yet, or to a resident moving in later
    assigned_candidate_id: int | None = None
    assigned_resident_id: int | None = None
    assigned_to: str | None = None  # that person's name
    moves_in_on: date | None = None  # the resident's move-in date (a candidate has none yet)

    @property
    def assigned(self) -> bool:
        return self.assigned_candidate_id is not None or self.assigned_resident_id is not None


def vacancies(session: Session, site_id: int, on: date) -> list[Vacancy]:
    """Units that are free or become free as the registry stands on ``on``: no stay has
    begun by then, or the latest stay begun by then has a move-out date (before ``on``:
    free since; after it: an announced move-out). A unit already promised to someone (a
    candidate assigned to it but not placed yet, or a resident moving in after ``on``)
    is listed with who (``assigned``): it is not offered to anyone else. Shared units
    are left out: they take several residents and are matched by hand."""
    units = session.execute(
        sa.select(Unit.id, Unit.number, Unit.part_id, SitePart.name)
        .outerjoin(SitePart, SitePart.id == Unit.part_id)
        .where(Unit.site_id == site_id, Unit.shared.is_(False))
        .order_by(Unit.number)).all()
    latest: dict[int, date | None] = {}   # unit -> move-out of the latest stay begun by `on`
    coming: dict[int, tuple[int, str, date]] = {}  # unit -> the first resident moving in later
    for unit_id, resident_id, name, move_in, move_out in session.execute(
            sa.select(Resident.unit_id, Resident.id, Resident.name, Resident.move_in_date,
                      Resident.move_out_date).join(Unit)
            .where(Unit.site_id == site_id, Unit.shared.is_(False))
            .order_by(Resident.move_in_date, Resident.id)):
        if move_in <= on:
            latest[unit_id] = move_out
        else:
            coming.setdefault(unit_id, (resident_id, name, move_in))
    promised = assignments(session, site_id, on)
    found = []
    for unit_id, number, part_id, part_name in units:
        if unit_id in latest and latest[unit_id] is None:
            continue
        candidate, resident = promised.get(unit_id), coming.get(unit_id)
        resident = None if candidate else resident
        found.append(Vacancy(unit_id, number, part_id, part_name, latest.get(unit_id),
                             candidate[0] if candidate else None,
                             resident[0] if resident else None,
                             (candidate or resident or (None, None))[1],
                             resident[2] if resident else None))
    return found


@dataclass(frozen=True)
class Placement:
    vacancy: Vacancy
    outcome: WhatIf


@dataclass(frozen=True)
class VacancyWhatIf:
    """The mix after a begeleid or an onbegeleid newcomer moves into a free vacancy,
    whoever the candidate: aggregates only, so every IMO member sees it (a candidate's
    own what-if gives their status away and is care data)."""

    vacancy: Vacancy
    begeleid: WhatIf
    onbegeleid: WhatIf


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
    #: when the minutes were locked, if this agenda was read back from their snapshot
    frozen_at: datetime | None = None
    #: the figures of point 2 of minutes locked before snapshots held the whole agenda
    legacy_figures: dict | None = None
    #: point 1: each free vacancy with a begeleid and with an onbegeleid newcomer
    vacancy_whatifs: list[VacancyWhatIf] = field(default_factory=list)
    #: the disclosure rules when points 1-2 show published figures (published_agenda)
    published: DisclosureRules | None = None
    #: the site's stays the agenda was counted from, so that ``published_agenda`` need not
    #: read them again; working data of this request, never in a snapshot or on a page
    stays: list[Occupancy] | None = field(default=None, repr=False, compare=False)

    @property
    def free_vacancies(self) -> list[Vacancy]:
        """The vacancies not yet promised to anyone: what may be advised or assigned."""
        return [v for v in self.vacancies if not v.assigned]

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


def resident_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Resident id -> (name, unit number), as recorded now (anonymised names included)."""
    return {rid: (name, number) for rid, name, number in session.execute(
        sa.select(Resident.id, Resident.name, Unit.number).join(Unit)
        .where(Resident.id.in_(ids)))}


def _part_mix(tallies: dict, key, name: str, units: int, site_units: int, band) -> PartMix:
    tally = tallies.get(key, Tally())
    return PartMix(None if key == "site" else key, name, units, len(tally.units),
                   assess_mix(tally.begeleid, tally.total, site_units, band))


def build_agenda(session: Session, meeting: ImoMeeting) -> Agenda:
    """Everything the seven points need, computed from the registry on the meeting date.
    Locked minutes are read back from their snapshot instead: see
    ``services.imo.frozen.agenda_of``."""
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
    #: the mix counted once per date, and each what-if made once per date, part and
    #: status (every candidate and vacancy of a part free from the same day shares it)
    tallies_on: dict[date, dict] = {on: tallies}
    outcomes: dict[tuple, WhatIf] = {}

    def outcome(support_status: str, vacancy: Vacancy) -> WhatIf:
        when = max(on, vacancy.available_from or on)
        key = (when, vacancy.part_id, support_status)
        if key not in outcomes:
            if when not in tallies_on:
                tallies_on[when] = count_mix(occupancies, when)
            counts = tallies_on[when]
            outcomes[key] = what_if(counts.get("site", Tally()),
                                    counts.get(vacancy.part_id, Tally()), support_status,
                                    site_units, band)
        return outcomes[key]

    entries = session.execute(
        sa.select(MeetingCandidate, Candidate).join(Candidate)
        .options(selectinload(Candidate.facts))  # point 4 lists them: one query, not one each
        .where(MeetingCandidate.meeting_id == meeting.id).order_by(MeetingCandidate.id)).all()
    free = [v for v in open_vacancies if not v.assigned]
    candidates = [CandidateOnAgenda(entry, candidate, [
        Placement(v, outcome(candidate.support_status, v)) for v in free])
        for entry, candidate in entries]
    handovers = [h for h in list_handovers(session, site.id)
                 if h.done_at is None or h.move_in_date > since]
    mutations = mutations_between(occupancies, since, on)
    people = resident_names(session, {m.resident_id for m in mutations})
    return Agenda(meeting, since, site_units, whole, parts, open_vacancies,
                  [p for p in parts if p.part_id in vacant_part_ids],
                  mutations, candidates, handovers, people, vacancy_whatifs=[
                      VacancyWhatIf(v, outcome(SupportStatus.BEGELEID, v),
                                    outcome(SupportStatus.ONBEGELEID, v)) for v in free],
                  stays=occupancies)


def published_agenda(session: Session, agenda: Agenda, rules: DisclosureRules) -> Agenda:
    """The agenda as an IMO member who may not see care data per person reads it: the
    mix of points 1-2 as published figures on the meeting date
    (services.registry.disclosure), and the vacancy what-ifs on those published figures
    (a withheld part has none), so no exact count reaches them; also for locked minutes,
    whose snapshot holds the exact figures."""
    site = session.get(Site, agenda.meeting.site_id)
    band = band_of(site)
    mix = site_mix(session, site, agenda.meeting.held_on, months=1, rules=rules,
                   occupancies=agenda.stays)
    by_part = {p.part_id: p for p in mix.parts}

    def tally(row: PartMix | None) -> Tally | None:
        if row is None or row.withheld or row.published_on is None:
            return None
        return Tally(row.assessment.begeleid, row.assessment.total)

    def outcome(status: str, vacancy: Vacancy) -> WhatIf | None:
        site_tally, part_tally = tally(mix.whole), tally(by_part.get(vacancy.part_id))
        if site_tally is None:
            return None
        result = what_if(site_tally, part_tally, status, agenda.site_units, band)
        return WhatIf(result.site, result.part if part_tally is not None else None)

    whatifs = [VacancyWhatIf(w.vacancy, outcome(SupportStatus.BEGELEID, w.vacancy),
                             outcome(SupportStatus.ONBEGELEID, w.vacancy))
               for w in agenda.vacancy_whatifs]
    vacant = {p.part_id for p in agenda.vacant_parts}
    return replace(agenda, whole=mix.whole, parts=mix.parts, legacy_figures=None,
                   vacant_parts=[p for p in mix.parts if p.part_id in vacant],
                   vacancy_whatifs=[w for w in whatifs if w.begeleid is not None],
                   published=mix.rules)


def with_published_placements(agenda: Agenda, candidate_ids: set[int]) -> Agenda:
    """The agenda with the placement what-ifs of ``candidate_ids`` (the candidates a
    viewer sees by consent) taken from the published vacancy what-ifs: a viewer who reads
    published figures sees the candidate's status, never an exact count through their
    what-if. Unchanged for an agenda of exact figures."""
    if agenda.published is None or not candidate_ids:
        return agenda
    by_unit = {w.vacancy.unit_id: w for w in agenda.vacancy_whatifs}

    def published(c: CandidateOnAgenda) -> CandidateOnAgenda:
        if c.candidate.id not in candidate_ids:
            return c
        begeleid = c.candidate.support_status == SupportStatus.BEGELEID
        return replace(c, placements=[
            Placement(p.vacancy, by_unit[p.vacancy.unit_id].begeleid if begeleid
                      else by_unit[p.vacancy.unit_id].onbegeleid)
            for p in c.placements if p.vacancy.unit_id in by_unit])

    return replace(agenda, candidates=[published(c) for c in agenda.candidates])
