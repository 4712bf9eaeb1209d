"""The scale seed's meetings: per site a communityteam, kerngroep, stuurgroep, bestuur and
ALV with their seats and a year's rhythm of meetings (agenda, minutes, decisions, action
items), a work plan per year and an agreement; and the monthly IMO with its waiting list,
advice, decisions, placements of the residents who moved in, and handovers."""
from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from models import ReasonOption
from models.workplan import Ingredient
from services.governance.localtime import local_instant
from services.hours.periods import month_start, next_month
from services.imo.candidates import DEFAULT_REASONS
from services.imo.meetings import FIXED_POINTS
from services.seed.demo import FIRST_NAMES, LAST_NAMES
from services.seed.demo_governance import ACTIONS, DECISIONS, TOPICS
from services.seed.scale import SiteInfo, World, Writer, at

#: body kind -> (code, months it meets, weekday, nth weekday, local time)
RHYTHM = {"communityteam": ("CT", (1, 3, 5, 7, 9, 11), 1, 2, time(10)),
          "kerngroep": ("KG", (2, 5, 8, 11), 2, 2, time(19, 30)),
          "stuurgroep": ("SG", (11,), 3, 2, time(16)),
          "alv": ("ALV", (4,), 0, 3, time(19, 30)),
          "bestuur": ("BS", (), 0, 1, time(20))}
NAMES = {"communityteam": "Communityteam", "kerngroep": "Kerngroep", "stuurgroep": "Stuurgroep",
         "alv": "ALV", "bestuur": "Bestuur woonvereniging"}
MINUTES = "Besproken en afgesproken zoals hieronder vermeld; zie de actiepunten."


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# --- governance ----------------------------------------------------------------------

def governance(w: Writer, world: World) -> None:
    for site in world.sites:
        seats = {}
        for kind in RHYTHM:
            body_id, members = _body(w, world, site, kind)
            seats[kind] = (body_id, members)
            _meetings(w, world, site, kind, body_id, members)
        _work_plans(w, world, site)
        _agreement(w, world, site, seats["stuurgroep"][0])
        w.add("gov_alv_settings", organisation_id=site.association_id, quorum_percent=50,
              max_proxies=1, meetings_per_year=1)


def _body(w: Writer, world: World, site: SiteInfo, kind: str) -> tuple[int, list[tuple]]:
    """The body with its seats: [(seat id, user id or None)]."""
    code = RHYTHM[kind][0]
    org = site.association_id if kind in ("bestuur", "alv") else None
    body_id = w.add("gov_bodies", kind=kind, name=f"{NAMES[kind]} {site.name}", code=code,
                    organisation_id=org, created_at=at(site.project_start))
    w.add("gov_body_sites", body_id=body_id, site_id=site.id)
    people = {
        "communityteam": [(world.user("sb"), "voorzitter", "sociaal_beheerder"),
                          (site.coach_id, "secretaris", "communitycoach")]
        + [(u, "lid", "begeleider") for u in site.begeleiders.values()] + [(None, "lid", None)],
        "kerngroep": [(world.user("kerngroep"), "voorzitter", "kerngroep"),
                      (world.user("sb"), "secretaris", "sociaal_beheerder"),
                      (site.coach_id, "adviseur", "communitycoach"),
                      (world.user("bestuur"), "lid", "bestuur")],
        "stuurgroep": [(None, "voorzitter", None), (world.user("sb"), "lid", "sociaal_beheerder"),
                       (None, "lid", None)],
        "bestuur": [(world.user("bestuur"), "voorzitter", "bestuur"), (None, "secretaris", None),
                    (None, "lid", None)],
        "alv": [(world.user("bestuur"), "voorzitter", "bestuur")],
    }[kind]
    members = []
    for user_id, role, via in people:
        name = None if user_id else \
            f"{world.rng.choice(FIRST_NAMES)} {world.rng.choice(LAST_NAMES)}"
        seat = w.add("gov_body_members", body_id=body_id, user_id=user_id, person_name=name,
                     organisation_id=None, role_in_body=role, via_role=via,
                     starts_on=site.project_start, ends_on=None)
        members.append((seat, user_id))
    return body_id, members


def _meeting_days(kind: str, site: SiteInfo, today: date) -> list:
    _code, months, weekday, n, local = RHYTHM[kind]
    found = []
    for year in range(site.project_start.year, today.year + 1):
        for month in months:
            day = nth_weekday(year, month, weekday, n)
            if site.project_start <= day <= today + timedelta(days=60):
                found.append(local_instant(day, local))
    return found


def _meetings(w: Writer, world: World, site: SiteInfo, kind: str, body_id: int,
              members: list[tuple]) -> None:
    rng, today = world.rng, world.today
    days = _meeting_days(kind, site, today)
    past = [d for d in days if d.date() < today]
    numbers: dict[int, int] = {}
    owners = [u for _seat, u in members if u] or [world.user("sb")]
    for i, starts in enumerate(days):
        held = starts.date() < today
        locked = held and starts is not past[-1]
        meeting_id = w.add("gov_meetings", body_id=body_id, starts_at=starts,
                           duration_minutes=120, place="Ontmoetingsruimte", status="gepland",
                           sequence=0, locked_at=at(starts.date() + timedelta(days=30))
                           if locked else None,
                           locked_by_id=world.user("sb") if locked else None,
                           snapshot={"actions": []} if locked else None, created_by_id=world.user("sb"),
                           created_at=at(starts.date() - timedelta(days=30)))
        for seat, _user in members:
            w.add("gov_invitations", meeting_id=meeting_id, member_id=seat,
                  presence=(("aanwezig" if rng.random() < 0.85 else "afwezig_met_bericht")
                            if held else None))
        topics = TOPICS[kind]
        for position in range(1, 5):
            item = w.add("gov_meeting_items", meeting_id=meeting_id, position=position,
                         title=topics[(i + position) % len(topics)],
                         minutes=MINUTES if held else None,
                         handled=held and rng.random() > 0.15, carried_over_from_id=None,
                         escalation_id=None, escalated_from_id=None, outcome_of_id=None)
            if held and position == 1 and kind in DECISIONS and rng.random() < 0.5:
                year = starts.date().year
                numbers[year] = numbers.get(year, 0) + 1
                w.add("gov_decisions", body_id=body_id, year=year, number=numbers[year],
                      code=f"{RHYTHM[kind][0]}-{year}-{numbers[year]:02d}",
                      text=rng.choice(DECISIONS[kind]), decided_on=starts.date(),
                      meeting_id=meeting_id, item_id=item, created_by_id=world.user("sb"),
                      created_at=at(starts.date()))
            if held and position <= 2 and kind != "alv":
                _action(w, world, body_id, meeting_id, item, rng.choice(owners), starts.date())


def _action(w: Writer, world: World, body_id: int, meeting_id: int, item_id: int,
            owner: int, held: date) -> None:
    rng = world.rng
    due = held + timedelta(days=rng.randint(20, 60))
    done = due < world.today - timedelta(days=20) and rng.random() < 0.9
    action = w.add("gov_action_items", body_id=body_id, meeting_id=meeting_id,
                   item_id=item_id, decision_id=None, text=rng.choice(ACTIONS), owner_id=owner,
                   due_on=due, status="gedaan" if done else "open",
                   created_by_id=world.user("sb"), created_at=at(held))
    if done:
        w.add("gov_action_notes", action_id=action, on=due, status="gedaan", note="Gedaan.",
              recorded_by_id=owner, recorded_at=at(due))


def _work_plans(w: Writer, world: World, site: SiteInfo) -> None:
    for year in range(site.project_start.year, world.today.year + 1):
        plan = w.add("gov_work_plans", site_id=site.id, year=year, decision_id=None,
                     created_at=at(date(year, 1, 15)))
        for ingredient in Ingredient:
            goal = w.add("gov_work_plan_goals", plan_id=plan, ingredient=ingredient.value,
                         text=f"Doel {ingredient.value} {year}")
            w.add("gov_work_plan_actions", goal_id=goal, text="Uitwerken en evalueren",
                  owner_id=site.coach_id, due_on=date(year, 10, 1),
                  progress="gereed" if year < world.today.year else "loopt",
                  progress_note=None, updated_at=at(date(year, 10, 1)))


def _agreement(w: Writer, world: World, site: SiteInfo, body_id: int) -> None:
    agreement = w.add("gov_agreements", body_id=body_id, kind="samenwerkingsovereenkomst",
                      title=f"Samenwerking {site.name}", starts_on=site.project_start,
                      ends_on=site.project_start + relativedelta(years=7), note=None,
                      created_at=at(site.project_start))
    for org, money, hours in ((world.corporation_id, 25000, None),
                              (world.welfare_id, None, 800)):
        w.add("gov_agreement_parties", agreement_id=agreement, organisation_id=org,
              contribution=None, money_per_year=money, hours_per_year=hours, until_on=None)


# --- the IMO -------------------------------------------------------------------------

def imo(w: Writer, world: World) -> None:
    reasons = _reasons(w, world)
    for site in world.sites:
        meetings = _imo_meetings(w, world, site)
        _placed(w, world, site, meetings)
        _others(w, world, site, meetings, reasons)


def _reasons(w: Writer, world: World) -> dict[str, int]:
    """The corporation's reason list (every site of the dataset belongs to it)."""
    found = dict(w.session.execute(sa.select(ReasonOption.kind, sa.func.min(ReasonOption.id))
                                   .where(ReasonOption.corporation_id == world.corporation_id)
                                   .group_by(ReasonOption.kind)).all())
    for kind, texts in DEFAULT_REASONS.items():
        if kind not in found:
            ids = [w.add("imo_reason_options", corporation_id=world.corporation_id,
                         site_id=None, kind=kind, text=text, active=True)
                   for text in texts]
            found[kind] = ids[0]
    return found


def _imo_meetings(w: Writer, world: World, site: SiteInfo) -> dict[date, tuple[int, date]]:
    """One IMO a month (the 2nd Tuesday); all but the latest locked."""
    found: dict[date, tuple[int, date]] = {}
    month, last = month_start(site.project_start), month_start(world.today)
    attendees = [(world.user("sb"), "sociaal_beheerder"), (world.user("bestuur"), "bestuur"),
                 (site.coach_id, "communitycoach")] + \
        [(u, "begeleider") for u in site.begeleiders.values()]
    while month <= last:
        held = nth_weekday(month.year, month.month, 1, 2)
        locked = month < last
        meeting = w.add("imo_meetings", site_id=site.id, month=month, held_on=held,
                        location="Ontmoetingsruimte", chair_id=world.user("sb"),
                        deputy_chair=None, locked_at=at(held, 21) if locked else None,
                        locked_by_id=world.user("sb") if locked else None,
                        snapshot=_snapshot(held) if locked else None,
                        created_at=at(held - timedelta(days=14)))
        for position, (topic, title) in enumerate(FIXED_POINTS, start=1):
            w.add("imo_agenda_items", meeting_id=meeting, position=position, topic=topic,
                  title=title, minutes=MINUTES if locked else None)
        for user_id, capacity in attendees:
            w.add("imo_attendance", meeting_id=meeting, user_id=user_id, capacity=capacity,
                  presence="aanwezig")
        found[month] = (meeting, held)
        month = next_month(month)
    return found


def _snapshot(held: date) -> dict:
    figures = {"begeleid": 0, "total": 0, "status": "ok", "direction": None}
    return {"on": held.isoformat(), "since": held.isoformat(), "site": figures, "parts": {},
            "vacancies": [], "mutations": {"move_in": 0, "move_out": 0, "status_change": 0},
            "candidates": []}


def _candidate(w: Writer, world: World, site: SiteInfo, registered: date, status: str,
               support: tuple, resident_id: int | None = None) -> int:
    rng = world.rng
    begeleid, org, hours = support[0] == "begeleid", support[1], support[2]
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    candidate = w.new_id("imo_candidates")
    w.add("imo_candidates", id=candidate, site_id=site.id, name=name,
          email=f"kandidaat{candidate}@{world.domain}", phone=None, date_of_birth=None,
          household_size=rng.randint(1, 3),
          intake_route="zorgaanbieder" if begeleid else rng.choice(("selectie", "cooptatie")),
          support_status=support[0], care_organisation_id=org, indicated_hours=hours,
          motivation="Wil graag meedoen met de activiteiten en de buren helpen.",
          problem_severity="matig" if begeleid else None,
          accepts_support=True if begeleid else None, fallback_place=None,
          woonzorgovereenkomst=begeleid, special_conditions=None, registered_on=registered,
          status=status, resident_id=resident_id, created_by_id=world.user("sb"),
          created_at=at(registered))
    if rng.random() < 0.5:
        w.add("imo_participation_facts", candidate_id=candidate, kind="informatieavond",
              on=registered + timedelta(days=7), note=None)
    return candidate


def _events(w: Writer, world: World, candidate: int, steps: list[tuple],
            reason_id: int | None = None) -> None:
    for status, on in steps:
        w.add("imo_candidate_events", candidate_id=candidate, status=status, on=on,
              reason_id=reason_id if status in ("afgewezen", "teruggetrokken") else None,
              note=None, recorded_by_id=world.user("sb"), recorded_at=at(on))


def _placed(w: Writer, world: World, site: SiteInfo, meetings: dict) -> None:
    """Every re-letting was a candidate the IMO advised on and the corporation placed."""
    first_month = min(meetings)
    for rid, unit_id, _part, move_in, _out, statuses in site.stays:
        month = month_start(move_in - timedelta(days=30))
        if month <= first_month or month not in meetings:
            continue
        meeting, held = meetings[month]
        if held >= move_in:
            continue
        registered = held - timedelta(days=world.rng.randint(20, 90))
        status = statuses[0]
        candidate = _candidate(w, world, site, registered, "geplaatst",
                               (status.status, status.care_organisation_id,
                                status.indicated_hours), rid)
        entry = w.add("imo_meeting_candidates", meeting_id=meeting, candidate_id=candidate,
                      unit_id=unit_id, advice="positief", conditions=None,
                      reasoning="Past goed in de groep.", advised_by_id=world.user("sb"),
                      advised_at=at(held, 21))
        decided = min(held + timedelta(days=5), move_in)
        w.add("imo_decisions", candidate_id=candidate, meeting_candidate_id=entry,
              decision="toewijzen", unit_id=unit_id, decided_on=decided, reasoning=None,
              recorded_by_id=world.user("sb"), recorded_at=at(decided))
        _events(w, world, candidate, [("aangemeld", registered), ("in_bespreking", held),
                                      ("advies_gegeven", held),
                                      ("besluit_corporatie", decided), ("geplaatst", move_in)])
        done = move_in + timedelta(days=14)
        w.add("imo_handover_tasks", site_id=site.id, resident_id=rid, created_at=at(move_in),
              done_at=at(done) if done < world.today else None,
              done_by_id=world.user("bestuur") if done < world.today else None, note=None)


def _others(w: Writer, world: World, site: SiteInfo, meetings: dict,
            reasons: dict[str, int]) -> None:
    """Each month a candidate who is declined or withdraws; the open waiting list of the
    last months, on the latest IMO's agenda (in bespreking) or still waiting."""
    rng, months = world.rng, sorted(meetings)
    for month in months[:-1]:
        meeting, held = meetings[month]
        registered = max(site.project_start, held - timedelta(days=rng.randint(10, 60)))
        support = _support(world, site)
        declined = rng.random() < 0.5
        candidate = _candidate(w, world, site, registered,
                               "afgewezen" if declined else "teruggetrokken", support)
        w.add("imo_meeting_candidates", meeting_id=meeting, candidate_id=candidate,
              unit_id=None, advice="negatief" if declined else None, conditions=None,
              reasoning="Past nu niet in de mix." if declined else None,
              advised_by_id=world.user("sb") if declined else None,
              advised_at=at(held, 21) if declined else None)
        steps = [("aangemeld", registered), ("in_bespreking", held)]
        steps += ([("advies_gegeven", held), ("besluit_corporatie", held + timedelta(days=5)),
                   ("afgewezen", held + timedelta(days=5))] if declined
                  else [("teruggetrokken", held + timedelta(days=10))])
        _events(w, world, candidate, steps,
                reasons["afgewezen" if declined else "teruggetrokken"])
    latest, held = meetings[months[-1]]
    for k in range(6):
        registered = max(site.project_start, world.today - timedelta(days=rng.randint(5, 120)))
        on_agenda = k < 4 and registered <= held
        candidate = _candidate(w, world, site, registered,
                               "in_bespreking" if on_agenda else "aangemeld",
                               _support(world, site))
        steps = [("aangemeld", registered)]
        if on_agenda:
            w.add("imo_meeting_candidates", meeting_id=latest, candidate_id=candidate,
                  unit_id=None, advice=None, conditions=None, reasoning=None,
                  advised_by_id=None, advised_at=None)
            steps.append(("in_bespreking", held))
        _events(w, world, candidate, steps)


def _support(world: World, site: SiteInfo) -> tuple:
    if world.rng.random() < 0.35:
        return "begeleid", world.rng.choice(list(site.begeleiders)), None
    return "onbegeleid", None, None
