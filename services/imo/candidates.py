"""Candidates on the waiting list: register and edit (with a duplicate warning), record
participation facts, and move through the status pipeline with dated events."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (Candidate, CandidateEvent, Organisation, OrgKind, ParticipationFact,
                    ReasonOption, Site, SupportStatus)
from models.enums import CandidateStatus, IntakeRoute
from services import audit
from services.access import SiteAccess
from services.errors import N_, RuleViolation
from services.imo import rules
from services.registry.sites import same_name


@dataclass(frozen=True)
class CandidateData:
    name: str
    intake_route: str
    support_status: str
    registered_on: date
    email: str | None = None
    phone: str | None = None
    date_of_birth: date | None = None
    household_size: int = 1
    care_organisation_id: int | None = None
    indicated_hours: Decimal | None = None
    motivation: str | None = None
    problem_severity: str | None = None
    accepts_support: bool | None = None
    fallback_place: str | None = None
    woonzorgovereenkomst: bool = False
    special_conditions: str | None = None


SOFT_LANDING_FIELDS = ("problem_severity", "accepts_support", "fallback_place",
                       "woonzorgovereenkomst", "special_conditions")
SEVERITIES = ("licht", "matig", "zwaar")


class DuplicateWarning(RuleViolation):
    """The person seems to be registered already; saving needs a confirmation."""

    def __init__(self, duplicates: list[Candidate]) -> None:
        super().__init__(N_("Deze persoon staat mogelijk al op de wachtlijst: %(names)s. "
                            "Controleer dit, of bevestig dat het iemand anders is."),
                         field="confirm_duplicate",
                         names=", ".join(f"{c.name} ({c.registered_on.isoformat()})"
                                         for c in duplicates))
        self.duplicates = duplicates


def _clean(session: Session, data: CandidateData, today: date) -> dict:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip() or None
    if not values["name"]:
        raise RuleViolation(N_("Vul een naam in."), field="name")
    if values["intake_route"] not in set(IntakeRoute):
        raise RuleViolation(N_("Kies een instroomroute."), field="intake_route")
    if values["support_status"] not in set(SupportStatus):
        raise RuleViolation(N_("Kies begeleid of onbegeleid."), field="support_status")
    if not 1 <= (values["household_size"] or 0) <= 20:
        raise RuleViolation(N_("Een huishouden telt 1 tot 20 personen."),
                            field="household_size")
    if values["date_of_birth"] and values["date_of_birth"] > today:
        raise RuleViolation(N_("De geboortedatum ligt in de toekomst."), field="date_of_birth")
    if values["registered_on"] > today:
        raise RuleViolation(N_("De aanmelddatum ligt in de toekomst."), field="registered_on")
    if values["problem_severity"] not in (None, *SEVERITIES):
        raise RuleViolation(N_("Kies licht, matig of zwaar."), field="problem_severity")
    begeleid = values["support_status"] == SupportStatus.BEGELEID
    if values["intake_route"] == IntakeRoute.ZORGAANBIEDER and not begeleid:
        raise RuleViolation(N_("Via een zorgaanbieder komen begeleide kandidaten."),
                            field="support_status")
    if begeleid:
        org = session.get(Organisation, values["care_organisation_id"]) \
            if values["care_organisation_id"] else None
        if org is None or org.kind != OrgKind.ZORGAANBIEDER:
            raise RuleViolation(N_("Kies de zorgaanbieder die deze kandidaat begeleidt."),
                                field="care_organisation_id")
        hours = values["indicated_hours"]
        if hours is not None and not Decimal(0) <= hours <= Decimal(168):
            raise RuleViolation(N_("Geïndiceerde uren per week liggen tussen 0 en 168."),
                                field="indicated_hours")
    else:
        values["care_organisation_id"] = None
        values["indicated_hours"] = None
    return values


def find_duplicates(session: Session, site_id: int, name: str, date_of_birth: date | None,
                    email: str | None, exclude_id: int | None = None) -> list[Candidate]:
    """Candidates of the site with the same name and date of birth, or the same e-mail."""
    conditions = []
    if name and date_of_birth:
        conditions.append(sa.and_(sa.func.lower(Candidate.name) == name.strip().lower(),
                                  Candidate.date_of_birth == date_of_birth))
    if email:
        conditions.append(sa.func.lower(Candidate.email) == email.strip().lower())
    if not conditions:
        return []
    stmt = sa.select(Candidate).where(Candidate.site_id == site_id, sa.or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(Candidate.id != exclude_id)
    return list(session.scalars(stmt.order_by(Candidate.id)))


def _check_proposer(access: SiteAccess, values: dict) -> None:
    """A begeleider may only register candidates proposed by their own organisation."""
    if access.sees_all_care_data:
        return
    if values["intake_route"] != IntakeRoute.ZORGAANBIEDER or \
            values["care_organisation_id"] not in access.care_organisation_ids:
        raise RuleViolation(N_("U kunt alleen kandidaten van uw eigen zorgaanbieder "
                               "aanmelden."), field="care_organisation_id")


def register_candidate(session: Session, access: SiteAccess, data: CandidateData, *,
                       actor_id: int | None, today: date,
                       confirm_duplicate: bool = False) -> Candidate:
    """Put a candidate on the site's waiting list (status aangemeld)."""
    values = _clean(session, data, today)
    _check_proposer(access, values)
    duplicates = find_duplicates(session, access.site_id, values["name"],
                                 values["date_of_birth"], values["email"])
    if duplicates and not confirm_duplicate:
        raise DuplicateWarning(duplicates)
    ensure_default_reasons(session, access.site_id)  # a candidate may be rejected later
    candidate = Candidate(site_id=access.site_id, status=CandidateStatus.AANGEMELD,
                          created_by_id=actor_id, **values)
    candidate.events.append(CandidateEvent(status=CandidateStatus.AANGEMELD,
                                           on=values["registered_on"],
                                           recorded_by_id=actor_id))
    session.add(candidate)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="create", site_id=access.site_id,
                 changes={"name": values["name"], "intake_route": values["intake_route"]})
    session.flush()
    return candidate


#: the fields that tell who a candidate is (see :func:`find_duplicates`)
IDENTITY_FIELDS = ("name", "date_of_birth", "email")


def update_candidate(session: Session, access: SiteAccess, candidate: Candidate,
                     data: CandidateData, *, actor_id: int | None, today: date,
                     confirm_duplicate: bool = False) -> dict:
    """Change a candidate's dossier; returns what changed. A changed name, date of birth
    or e-mail that matches another candidate of the site needs a confirmation, as on
    registration (other edits of a confirmed look-alike do not ask again)."""
    values = _clean(session, data, today)
    _check_proposer(access, values)
    if not confirm_duplicate and any(getattr(candidate, key) != values[key]
                                     for key in IDENTITY_FIELDS):
        duplicates = find_duplicates(session, candidate.site_id, values["name"],
                                     values["date_of_birth"], values["email"],
                                     exclude_id=candidate.id)
        if duplicates:
            raise DuplicateWarning(duplicates)
    changes = audit.changes_between(candidate, values)
    for key, value in values.items():
        setattr(candidate, key, value)
    if changes:
        audit.record(session, actor_id=actor_id, entity_type="candidate",
                     entity_id=candidate.id, action="update", site_id=candidate.site_id,
                     changes={k: v for k, v in changes.items()
                              if k not in SOFT_LANDING_FIELDS} |
                     {k: ["…", "…"] for k in changes if k in SOFT_LANDING_FIELDS})
    session.flush()
    return changes


FACT_KINDS = ("informatieavond", "activiteit", "kennismaking", "anders")


def add_fact(session: Session, candidate: Candidate, *, kind: str, on: date,
             note: str | None, actor_id: int | None, today: date) -> ParticipationFact:
    """Record that the candidate attended an information evening, an activity, ..."""
    if kind not in FACT_KINDS:
        raise RuleViolation(N_("Kies wat de kandidaat deed."), field="kind")
    if on > today:
        raise RuleViolation(N_("Die datum ligt in de toekomst."), field="on")
    fact = ParticipationFact(kind=kind, on=on, note=(note or "").strip() or None)
    candidate.facts.append(fact)
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="add_fact", site_id=candidate.site_id,
                 changes={"kind": kind, "on": on})
    session.flush()
    return fact


def set_status(session: Session, candidate: Candidate, status: str, *, on: date,
               reason_id: int | None = None, note: str | None = None,
               actor_id: int | None) -> CandidateEvent:
    """Move a candidate along the pipeline with a dated event. Rejections and
    withdrawals need a reason from the list."""
    if not rules.can_move(candidate.status, status):
        raise RuleViolation(N_("Van '%(current)s' kan een kandidaat niet naar '%(new)s'."),
                            field="status", current=candidate.status, new=status)
    reason = reason_of(session, candidate.site_id, reason_id) if reason_id else None
    if reason_id and reason is None:  # unknown, or another corporation's list
        raise RuleViolation(N_("Kies een reden uit de lijst."), field="reason_id")
    if status in rules.NEEDS_REASON:
        if reason is None or reason.kind != status or not reason.active:
            raise RuleViolation(N_("Kies een reden uit de lijst."), field="reason_id")
    elif reason is not None:
        raise RuleViolation(N_("Een reden hoort alleen bij afwijzen of terugtrekken."),
                            field="reason_id")
    last = max((e.on for e in candidate.events), default=None)
    if last is not None and on < last:
        raise RuleViolation(N_("De datum ligt vóór de vorige stap van deze kandidaat."),
                            field="on")
    event = CandidateEvent(status=status, on=on, reason=reason,
                           note=(note or "").strip() or None, recorded_by_id=actor_id)
    candidate.events.append(event)
    candidate.status = status
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="status", site_id=candidate.site_id,
                 changes={"status": status, "on": on,
                          "reason": reason.text if reason else None})
    session.flush()
    return event


def record_view(session: Session, candidate: Candidate, actor_id: int | None) -> None:
    """Reading a dossier is logged too."""
    audit.record(session, actor_id=actor_id, entity_type="candidate", entity_id=candidate.id,
                 action="view", site_id=candidate.site_id)
    session.flush()


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    last_activity: date | None
    invite: bool


def waiting_list(session: Session, site_id: int, today: date,
                 include_closed: bool = False) -> list[CandidateRow]:
    """The site's candidates (open ones unless ``include_closed``), oldest first, with
    the reminder to invite them to an activity."""
    stmt = sa.select(Candidate).where(Candidate.site_id == site_id)
    if not include_closed:
        stmt = stmt.where(Candidate.status.in_(rules.OPEN))
    candidates = list(session.scalars(stmt.order_by(Candidate.registered_on, Candidate.id)))
    last = dict(session.execute(
        sa.select(ParticipationFact.candidate_id, sa.func.max(ParticipationFact.on))
        .where(ParticipationFact.candidate_id.in_([c.id for c in candidates]))
        .group_by(ParticipationFact.candidate_id)).all())
    return [CandidateRow(c, last.get(c.id),
                         rules.should_invite(c.registered_on, c.status, last.get(c.id), today))
            for c in candidates]


@dataclass(frozen=True)
class ReasonOwner:
    """Whose reason list a site uses: its corporation's, or its own without one."""
    corporation_id: int | None
    site_id: int | None

    @classmethod
    def of(cls, session: Session, site_id: int) -> "ReasonOwner":
        corporation_id = session.scalar(sa.select(Site.corporation_id).where(Site.id == site_id))
        return cls(corporation_id, None) if corporation_id is not None else cls(None, site_id)

    def where(self):
        if self.corporation_id is not None:
            return ReasonOption.corporation_id == self.corporation_id
        return ReasonOption.site_id == self.site_id

    def owns(self, reason: ReasonOption | None) -> bool:
        return reason is not None and (reason.corporation_id, reason.site_id) == (
            self.corporation_id, self.site_id)


def reasons(session: Session, site_id: int, kind: str | None = None,
            active_only: bool = True) -> list[ReasonOption]:
    """The reason list the site uses (its corporation's)."""
    stmt = sa.select(ReasonOption).where(ReasonOwner.of(session, site_id).where()) \
        .order_by(ReasonOption.kind, ReasonOption.text)
    if kind:
        stmt = stmt.where(ReasonOption.kind == kind)
    if active_only:
        stmt = stmt.where(ReasonOption.active.is_(True))
    return list(session.scalars(stmt))


def reason_of(session: Session, site_id: int, reason_id: int) -> ReasonOption | None:
    """An entry of the site's list; None for an unknown id or another owner's entry."""
    reason = session.get(ReasonOption, reason_id)
    return reason if ReasonOwner.of(session, site_id).owns(reason) else None


DEFAULT_REASONS = {
    "afgewezen": ("Past niet in de gewenste mix", "Onvoldoende motivatie om bij te dragen",
                  "Zorgvraag te zwaar voor deze locatie", "Geen passende woning"),
    "teruggetrokken": ("Andere woning gevonden", "Situatie veranderd",
                       "Zag af na kennismaking", "Niet meer bereikbaar"),
}


REASON_MAX_LENGTH = 200


def save_reason(session: Session, site_id: int, reason: ReasonOption | None, *, kind: str,
                text: str, active: bool, actor_id: int | None) -> ReasonOption:
    """Add an entry to the site's reason list, or rename or (de)activate one; entries are
    never deleted, and an entry keeps its kind (it may already explain rejections). The
    list belongs to the site's corporation: its sites share it, other corporations have
    their own. The first save also puts the default reasons in."""
    owner = ReasonOwner.of(session, site_id)
    if reason is not None and not owner.owns(reason):
        raise RuleViolation(N_("Deze reden hoort bij de lijst van een andere corporatie."))
    text = (text or "").strip()
    if kind not in DEFAULT_REASONS:
        raise RuleViolation(N_("Kies afwijzen of terugtrekken."), field="kind")
    if reason is not None and kind != reason.kind:
        raise RuleViolation(N_("Een reden blijft bij afwijzen of bij terugtrekken; voeg "
                               "een nieuwe reden toe."), field="kind")
    if not text:
        raise RuleViolation(N_("Vul een reden in."), field="text")
    if len(text) > REASON_MAX_LENGTH:
        raise RuleViolation(N_("Een reden is hoogstens 200 tekens."), field="text")
    ensure_default_reasons(session, site_id)
    clash = session.scalar(sa.select(ReasonOption.id).where(
        owner.where(), ReasonOption.kind == kind, same_name(ReasonOption.text, text),
        ReasonOption.id != (reason.id if reason else 0)))
    if clash is not None:
        raise RuleViolation(N_("Deze reden staat al in de lijst."), field="text")
    if reason is None:
        reason = ReasonOption(corporation_id=owner.corporation_id, site_id=owner.site_id,
                              kind=kind, text=text, active=active)
        session.add(reason)
    else:
        reason.text, reason.active = text, active
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="reason", entity_id=reason.id,
                 action="save", site_id=site_id,
                 changes={"kind": kind, "text": text, "active": active})
    return reason


def ensure_default_reasons(session: Session, site_id: int) -> None:
    """Fill the site's (its corporation's) reason list the first time (idempotent).
    Called by the first writes that lead to needing it (registering a candidate, planning
    an IMO, saving the list), never while a page is only read."""
    owner = ReasonOwner.of(session, site_id)
    if session.scalar(sa.select(sa.func.count()).select_from(ReasonOption)
                      .where(owner.where())):
        return
    for kind, texts in DEFAULT_REASONS.items():
        for text in texts:
            session.add(ReasonOption(corporation_id=owner.corporation_id,
                                     site_id=owner.site_id, kind=kind, text=text))
    session.flush()
