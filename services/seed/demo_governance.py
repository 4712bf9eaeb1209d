"""Demo governance for Het Hofje: the bodies and their meetings over the project years,
following the cadence (services/governance/cadence.py), with minutes, decisions, action
items, an escalation up the ladder and back, the ALVs with votes, this year's work plan
and a 7-year collaboration agreement. Deterministic: everything is placed relative to
``today`` and the project start.

How the meetings fall (one in every due window of the norm, at a fixed weekday):

* communityteam: the 2nd Tuesday of every month at 10:00, not in July and August (the
  tolerated summer break); the next one is planned;
* kerngroep: the 2nd Wednesday of Feb, May, Aug and Nov at 19:30, but this year the
  meetings of the last window that ended and of the current window did not happen, so
  the kerngroep is a bit behind; a catch-up meeting is planned ten days from today;
* stuurgroep: the 2nd Thursday of May and November (first two project years), then of
  November only, at 16:00;
* ALV: the 3rd Monday of April at 19:30, from the first year whose window is due;
* bestuur: the 1st Monday of Feb, May, Aug and Nov at 20:00.

The minutes of a meeting are locked when the body's next meeting is held (approval);
every third meeting leaves a point open, which carries over. Action items are done by
their due date, except those due within the last month and every fifth one of the last
year, so some are overdue. The
last communityteam meeting by ``today - 200 days`` escalates an item to the kerngroep,
which answers it and escalates an item of its own to the stuurgroep, which answers too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from models import Body, Meeting, Site
from services import accounts
from services.governance import (actions, agreements, alv, bodies, cadence, decisions,
                                 escalation, meetings, workplan)
from services.governance.localtime import local_day, local_instant

TOPICS = {
    "stuurgroep": ("Kaders en meerjarenafspraken", "Financiering van de communitycoach",
                   "Jaarbeeld Gemengd Wonen", "Voorstellen van de kerngroep"),
    "kerngroep": ("Voortgang communitywerkplan", "Mix en instroom: terugkoppeling IMO",
                  "Inzet communitycoach en begeleiders", "Begroting woonvereniging",
                  "Huisregels ontmoetingsruimte", "Voorbereiding stuurgroep"),
    "communityteam": ("Rondje signalen bewoners", "Activiteiten komende maand",
                      "Koffieochtend en weeklunch", "Schoon, heel, veilig: gebouw en tuin",
                      "Nieuwe bewoners: welkom en zachte landing", "Werkplan: voortgang"),
    "bestuur": ("Financiën en contributie", "Activiteitencommissie", "Voorbereiding ALV",
                "Contact met de corporatie"),
    "alv": ("Jaarverslag en financieel verslag", "Begroting en contributie",
            "Bestuursverkiezing"),
}
DECISIONS = {
    "stuurgroep": ("De kaders voor Gemengd Wonen Het Hofje worden bevestigd.",
                   "De gemeente financiert de communitycoach volgens de afbouw van de vuistregel.",
                   "Het jaarbeeld wordt gedeeld met de raden van bestuur."),
    "kerngroep": ("De huisregels van de ontmoetingsruimte worden vastgesteld.",
                  "Bij een vrijkomende woning in blok C gaat een onbegeleide kandidaat voor.",
                  "De woonvereniging krijgt € 1.500 uit het activiteitenbudget.",
                  "De evaluatie van de samenwerking staat op de agenda van de stuurgroep."),
    "communityteam": ("De koffieochtend verhuist naar dinsdag.",
                      "Nieuwe bewoners krijgen in de eerste week bezoek van twee buren."),
    "bestuur": ("De kascommissie wordt gevraagd voor de jaarrekening.",
                "Het bestuur vraagt een fonds aan voor de tuin."),
}
ACTIONS = ("stukken rondsturen", "offerte opvragen", "bewoners persoonlijk uitnodigen",
           "afspraak maken met de zorgaanbieder", "voorstel uitwerken")


@dataclass
class _Plan:
    body: Body
    starts_at: datetime


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _days(kind: str, start: date, today: date, alv_per_year: int) -> list[datetime]:
    """The meeting instants of a body from the project start to one beyond today."""
    found = []
    for year in range(start.year, today.year + 2):
        if kind == "bestuur":
            months = [m for m in (2, 5, 8, 11) if date(year, m, 1) >= start]
        else:
            norm = cadence.norm_for(kind, year=year, project_start=start,
                                    alv_per_year=alv_per_year)
            months = [_month_in(kind, w) for w in cadence.windows(norm, year, start)]
        for month in months:
            if kind == "communityteam" and month in (7, 8):
                continue
            weekday, n, at = {"communityteam": (1, 2, time(10)), "kerngroep": (2, 2, time(19, 30)),
                              "stuurgroep": (3, 2, time(16)), "alv": (0, 3, time(19, 30)),
                              "bestuur": (0, 1, time(20))}[kind]
            found.append(local_instant(_nth_weekday(year, month, weekday, n), at))
    return found


def _month_in(kind: str, window: cadence.Window) -> int:
    """The month of a window in which the body meets."""
    length = (window.end.year - window.start.year) * 12 + window.end.month - window.start.month
    if kind == "stuurgroep":
        return 11 if length == 12 else window.start.month + 4
    if kind == "alv":
        return 4 if length == 12 else window.start.month + 3
    return window.start.month + (1 if length == 3 else 0)


def _kerngroep_behind(days: list[datetime], start: date, today: date) -> list[datetime]:
    """Leave out this year's meetings of the last ended window and of the current one,
    and plan a catch-up meeting ten days from today."""
    norm = cadence.norm_for("kerngroep", year=today.year, project_start=start)
    due = cadence.windows(norm, today.year, start)
    ended = [w for w in due if w.end <= today]
    current = [w for w in due if w.holds(today)]
    skipped = ended[-1:] + current
    kept = [d for d in days if not any(w.holds(local_day(d)) for w in skipped)]
    catch_up = local_instant(today + timedelta(days=10), time(19, 30))
    return sorted(kept + [catch_up] if skipped else kept)


def _schedule(body_days: dict[Body, list[datetime]], today: date) -> list[_Plan]:
    """Every body's held meetings and its first one from today on, in time order."""
    plans = []
    for body, days in body_days.items():
        held = [d for d in days if local_day(d) < today]
        ahead = [d for d in days if local_day(d) >= today][:1]
        plans += [_Plan(body, d) for d in held + ahead]
    return sorted(plans, key=lambda p: (p.starts_at, p.body.id))


def seed_governance(session: Session, site: Site, orgs: dict, *, today: date,
                    domain: str) -> None:
    """Create the demo governance of ``site`` (see the module docstring)."""
    start = site.project_start
    users = {local: accounts.find_user_by_email(session, f"{local}@{domain}")
             for local in ("sociaalbeheerder", "coach", "begeleider", "bestuur", "kerngroep",
                           "stuurgroep")}
    made = {kind: bodies.create_body(session, bodies.BodyData(kind, name, None, [site.id]),
                                     today=start, actor_id=None)
            for kind, name in (("stuurgroep", "Stuurgroep Het Hofje"),
                               ("kerngroep", "Kerngroep Het Hofje"),
                               ("communityteam", "Communityteam Het Hofje"),
                               ("bestuur", "Bestuur Bewonersvereniging Het Hofje"),
                               ("alv", "ALV Bewonersvereniging Het Hofje"))}
    _seats(session, made, orgs, users, start)
    alv.save_settings(session, orgs["vereniging"].id, quorum_percent=25, max_proxies=2,
                      meetings_per_year=1, actor_id=None)
    body_days = {body: _days(kind, start, today, 1) for kind, body in made.items()}
    body_days[made["kerngroep"]] = _kerngroep_behind(body_days[made["kerngroep"]], start, today)
    _meetings(session, _schedule(body_days, today), today)
    _work_plan(session, site, made["kerngroep"], users, today)
    _agreement(session, made["stuurgroep"], orgs, start)


def _seats(session: Session, made: dict, orgs: dict, users: dict, start: date) -> None:
    """Seats by hand next to the role seats: the directors in the stuurgroep, the
    corporation's social manager chairing the kerngroep with the bestuur as secretary."""
    for name, org, role in (("Wethouder M. de Jong", "gemeente", "voorzitter"),
                            ("Directeur-bestuurder Woonstichting Hofland", "corporatie", "lid"),
                            ("Bestuurder Zorggroep De Linde", "linde", "lid"),
                            ("Bestuurder Stichting Het Anker", "anker", "lid")):
        bodies.add_member(session, made["stuurgroep"], user_id=None, person_name=name,
                          organisation_id=orgs[org].id, role_in_body=role, starts_on=start,
                          actor_id=None)
    for user, org, role in (("sociaalbeheerder", "corporatie", "voorzitter"),
                            ("bestuur", "vereniging", "secretaris")):
        bodies.add_member(session, made["kerngroep"], user_id=users[user].id, person_name=None,
                          organisation_id=orgs[org].id, role_in_body=role, starts_on=start,
                          actor_id=None)
    bodies.add_member(session, made["kerngroep"], user_id=None,
                      person_name="Beleidsadviseur wonen en zorg",
                      organisation_id=orgs["gemeente"].id, role_in_body="lid", starts_on=start,
                      actor_id=None)


def _meetings(session: Session, plans: list[_Plan], today: date) -> None:
    previous: dict[int, Meeting] = {}
    counters: dict[str, int] = {}
    escalated = set()
    escalate_at = max((p.starts_at for p in plans if p.body.kind == "communityteam"
                       and local_day(p.starts_at) <= today - timedelta(days=200)), default=None)
    for plan in plans:
        body, day = plan.body, local_day(plan.starts_at)
        meeting = meetings.create_meeting(session, body, starts_at=plan.starts_at,
                                          duration_minutes=90 if body.kind == "communityteam"
                                          else 120, place="Ontmoetingsruimte Het Hofje",
                                          today=min(day, today), actor_id=None)
        if body.id in previous:
            meetings.lock_minutes(session, previous[body.id], now=plan.starts_at, today=day,
                                  actor_id=None)
        previous[body.id] = meeting
        if day >= today:
            continue
        n = counters[body.kind] = counters.get(body.kind, 0) + 1
        _hold(session, meeting, n, today)
        if body.kind == "communityteam" and plan.starts_at == escalate_at:
            _escalate(session, meeting, "Overlast en zorgen rond de galerij van blok C",
                      "Vraagt om afspraken tussen corporatie en zorgaanbieders die het "
                      "communityteam niet kan maken.", day)
        _answer(session, meeting, day, escalated)


def _hold(session: Session, meeting: Meeting, n: int, today: date) -> None:
    """Two new points with minutes, a decision and (kerngroep, communityteam) an action."""
    body, day = meeting.body, local_day(meeting.starts_at)
    topics = TOPICS[body.kind]
    new = [meetings.add_item(session, meeting, topics[(2 * n + k) % len(topics)], actor_id=None)
           for k in range(2)]
    if body.kind == "kerngroep" and day.month >= 10:
        meetings.add_item(session, meeting, f"Communitywerkplan {day.year + 1}", actor_id=None)
    open_one = new[-1].id if n % 3 == 0 else None
    meetings.save_minutes(session, meeting,
                          {i.id: f"Besproken. {_minute(i.title)}" for i in meeting.items},
                          {i.id for i in meeting.items if i.id != open_one}, actor_id=None)
    texts = DECISIONS.get(body.kind)
    if texts:
        decisions.record_decision(session, body, text=texts[n % len(texts)], meeting=meeting,
                                  actor_id=None)
    if body.kind == "kerngroep" and day.month >= 10:
        decisions.record_decision(session, body, meeting=meeting, actor_id=None,
                                  text=f"Het communitywerkplan {day.year + 1} wordt vastgesteld.")
    if body.kind in ("kerngroep", "communityteam"):
        _action(session, meeting, new[0].title, n, today)
    if body.kind == "alv":
        _alv(session, meeting, day)


def _minute(title: str) -> str:
    return ("Afspraken staan bij de actiepunten." if "oortgang" in title or "erkplan" in title
            else "De leden zijn het eens over de aanpak.")


def _action(session: Session, meeting: Meeting, topic: str, n: int, today: date) -> None:
    day = local_day(meeting.starts_at)
    owners = [uid for uid, _name in bodies.member_choices(meeting.body, day)]
    due = day + timedelta(days=21 if meeting.body.kind == "communityteam" else 42)
    item = actions.create_action(session, meeting, text=f"{topic}: {ACTIONS[n % len(ACTIONS)]}",
                                 owner_id=owners[n % len(owners)], due_on=due, actor_id=None)
    straggler = n % 5 == 1 and due > today - timedelta(days=365)
    if due < today - timedelta(days=30) and not straggler:
        actions.set_status(session, item, status="gedaan", on=due - timedelta(days=3),
                           note="Afgerond.", actor_id=None)


def _escalate(session: Session, meeting: Meeting, title: str, reason: str, day: date) -> None:
    item = meetings.add_item(session, meeting, title, actor_id=None)
    meetings.save_minutes(session, meeting, {item.id: "Te groot voor dit overleg."},
                          {i.id for i in meeting.items if i.handled}, actor_id=None)
    escalation.escalate(session, item, reason=reason, today=day, actor_id=None)


def _answer(session: Session, meeting: Meeting, day: date, escalated: set) -> None:
    """The kerngroep answers the communityteam and passes a question of its own up; the
    stuurgroep answers the kerngroep."""
    for item in list(meeting.items):
        if item.escalated_from is None or item.escalated_from.outcome is not None:
            continue
        if meeting.body.kind == "kerngroep":
            escalation.record_outcome(session, item, today=day, actor_id=None, outcome=(
                "Corporatie en De Linde doen samen een extra ronde huisbezoeken; de coach "
                "organiseert een bewonersavond over de galerij."))
            if "sg" not in escalated:
                _escalate(session, meeting, "Financiering van de communitycoach na jaar 3",
                          "De afbouw naar de waakvlam past niet bij de signalen uit blok C.",
                          day)
                escalated.add("sg")
        else:
            escalation.record_outcome(session, item, today=day, actor_id=None, outcome=(
                "De gemeente houdt de coach een jaar langer op 8 uur per week; daarna "
                "evaluatie in de stuurgroep."))


def _alv(session: Session, meeting: Meeting, day: date) -> None:
    """Four in ten households attend, one in ten by proxy; two motions are voted on."""
    listed = alv.attendance_list(session, meeting.id)
    rows, present = {}, None
    for i, row in enumerate(listed):
        if i % 10 < 4:
            rows[row.id], present = ("aanwezig", None), row.unit_id
        elif i % 10 == 4 and present is not None:
            rows[row.id] = ("gemachtigd", present)
    alv.record_attendance(session, meeting, rows, max_proxies=2, actor_id=None)
    voters = sum(1 for presence, _proxy in rows.values())
    for title, against in ((f"Jaarverslag en financieel verslag {day.year - 1} goedkeuren", 1),
                           (f"Contributie {day.year}: € 4 per huishouden per maand", 6)):
        motion = alv.add_motion(session, meeting, title=title, text=None, two_thirds=False,
                                actor_id=None)
        alv.record_vote(session, motion, votes_for=voters - against - 2,
                        votes_against=against, abstentions=2,
                        now=meeting.starts_at + timedelta(hours=1), actor_id=None)


PLAN = (
    ("community", "Elke bewoner kent minstens vijf buren bij naam",
     (("Burendag organiseren", "coach", 9, "loopt"),
      ("Welkomstpakket voor nieuwe bewoners", "bestuur", 3, "gereed"))),
    ("mix", "Blok C terug binnen de band",
     (("Bij elke vrije woning in blok C eerst een onbegeleide kandidaat bespreken",
       "sociaalbeheerder", 12, "loopt"),)),
    ("samenwerking", "Eén vast aanspreekpunt per zorgaanbieder",
     (("Contactlijst van de begeleiders delen", "begeleider", 2, "gereed"),)),
    ("ontmoeting", "Wekelijkse lunch in de ontmoetingsruimte",
     (("Kookploeg van vijf bewoners vormen", "coach", 4, "gereed"),
      ("Nieuwe keuken in gebruik nemen", "sociaalbeheerder", 10, "niet_gestart"))),
    ("beheer", "Schoon, heel, veilig",
     (("Schouw met bewoners per kwartaal", "sociaalbeheerder", 6, "loopt"),)),
    ("gebouw", "De tuin als ontmoetingsplek",
     (("Picknicktafels plaatsen", "sociaalbeheerder", 5, "loopt"),)),
    ("financiering", "Financiering van de coach na jaar 3 geregeld",
     (("Voorstel aan de stuurgroep", "kerngroep", 10, "niet_gestart"),)),
)


def _work_plan(session: Session, site: Site, kerngroep: Body, users: dict, today: date) -> None:
    adopted = next((d for d in decisions.search(session, kerngroep.id,
                                                f"communitywerkplan {today.year}")), None)
    plan = workplan.create_plan(session, site, year=today.year,
                                decision_id=adopted.id if adopted else None, actor_id=None)
    now = local_instant(today, time(9))
    for ingredient, goal_text, steps in PLAN:
        goal = workplan.add_goal(session, plan, ingredient=ingredient, text=goal_text,
                                 actor_id=None)
        for text, owner, month, progress in steps:
            step = workplan.add_action(session, goal, text=text, owner_id=users[owner].id,
                                       due_on=date(today.year, month, 28), now=now,
                                       actor_id=None)
            if progress != "niet_gestart":
                workplan.set_progress(session, step, progress=progress, note=None, now=now,
                                      actor_id=None)


def _agreement(session: Session, stuurgroep: Body, orgs: dict, start: date) -> None:
    deal = agreements.create_agreement(session, stuurgroep, agreements.AgreementData(
        "samenwerkingsovereenkomst", "Samenwerkingsovereenkomst Gemengd Wonen Het Hofje",
        start, start + relativedelta(years=7),
        "Gemeente, corporatie, zorgaanbieders, welzijn en woonvereniging dragen samen de "
        "community-aanpak."), actor_id=None)
    for key, what, money, hours, until in (
            ("corporatie", "Sociaal beheer en de ontmoetingsruimte", "15000", "624", None),
            ("gemeente", "Communitycoach", "38000", None, None),
            ("linde", "10% van de geïndiceerde uren voor de community", None, "480", None),
            ("anker", "10% van de geïndiceerde uren voor de community", None, "240", None),
            ("welzijn", "Buurtwerk en brugfunctie (projectgeld)", "6000", "200",
             start + relativedelta(years=3)),
            ("vereniging", "Bijdrage uit de contributie aan activiteiten", "1200", None, None)):
        agreements.add_party(session, deal, organisation_id=orgs[key].id, contribution=what,
                             money_per_year=Decimal(money) if money else None,
                             hours_per_year=Decimal(hours) if hours else None, until_on=until,
                             actor_id=None)
