"""Logging hours, changing them while their month is open, correcting closed months and
closing (approving) months.

The rules: a person logs their own hours; a date is never in the future nor before the
project start; a day holds at most 24 logged hours per person. An entry of a closed
month is never changed: a correction adds, in the first open month after it, a reversal
of the entry and (when hours remain) a replacement, both referring to it. Nothing is
deleted: an entry of an open month can be withdrawn.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from models import (ActivityType, AuditEvent, HourCategory, HourEntry, MonthClosure,
                    Organisation, OrgKind, Role, Site, SupportStatus, utcnow)
from models.hours import MAX_QUARTERS_PER_ENTRY
from services import audit
from services.access import SiteAccess
from services.errors import N_, NotFound, RuleViolation
from services.hours.calendar import freeze_month, load_norm_inputs
from services.hours.periods import month_start, next_month
from services.registry.mix import load_occupancies, status_on
from services.words import month_name

ROLE_CATEGORIES = {
    Role.COMMUNITYCOACH: (HourCategory.COMMUNITYCOACH,),
    Role.BEGELEIDER: (HourCategory.BEGELEIDER,),
    Role.SOCIAAL_BEHEERDER: (HourCategory.SOCIAAL_BEHEER, HourCategory.FYSIEK_BEHEER),
}


@dataclass(frozen=True)
class EntryData:
    work_date: date
    quarters: int
    category: str
    activity_type: str
    organisation_id: int | None = None
    note: str | None = None


def allowed_categories(access: SiteAccess) -> list[str]:
    """The categories a person may log with their roles on the site (plus "overig")."""
    if access.is_admin:
        return list(HourCategory)
    allowed = {c for role in access.roles for c in ROLE_CATEGORIES.get(role, ())}
    if allowed:
        allowed.add(HourCategory.OVERIG)
    return [c for c in HourCategory if c in allowed]


def closed_months(session: Session, site_id: int) -> set[date]:
    return set(session.scalars(sa.select(MonthClosure.month)
                               .where(MonthClosure.site_id == site_id)))


def is_closed(session: Session, site_id: int, on: date) -> bool:
    return month_start(on) in closed_months(session, site_id)


def _has_clients(session: Session, site_id: int, organisation_id: int, on: date) -> bool:
    """Whether the care organisation supports a begeleid resident on the site on ``on``
    (from the dated support history)."""
    return any(occ.present_on(on) and (record := status_on(occ.statuses, on)) is not None
               and record.status == SupportStatus.BEGELEID
               and record.care_organisation_id == organisation_id
               for occ in load_occupancies(session, site_id))


def _check_organisation(session: Session, site: Site, access: SiteAccess, data: EntryData,
                        clients_on: date) -> None:
    """Hours for a care organisation count towards its 10% on the site, so they may only
    be logged by its own begeleiders on the site (admins aside), and only while it has
    clients there (on ``clients_on``: the work date, or the corrected entry's date).
    Other organisations (the coach's municipality or welfare organisation, the
    corporation) need only exist and be active."""
    org = session.get(Organisation, data.organisation_id) if data.organisation_id else None
    care = org is not None and org.kind == OrgKind.ZORGAANBIEDER
    if data.category == HourCategory.BEGELEIDER or care:
        own = access.is_admin or (org is not None and org.id in access.care_organisation_ids)
        if not care or not own:
            raise RuleViolation(N_("Kies de zorgaanbieder waarvoor u begeleider bent."),
                                field="organisation_id")
        if not _has_clients(session, site.id, org.id, clients_on):
            raise RuleViolation(N_("%(name)s heeft op %(date)s geen cliënten op deze locatie; "
                                   "uren voor deze zorgaanbieder tellen hier dan niet mee."),
                                field="organisation_id", name=org.name,
                                date=clients_on.isoformat())
    elif data.organisation_id is not None and (org is None or not org.active):
        raise RuleViolation(N_("Kies een bestaande organisatie."), field="organisation_id")


def _day_total(session: Session, site_id: int, person_id: int, on: date,
               ignore_entry_id: int | None) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(HourEntry.quarters), 0)).where(
        HourEntry.site_id == site_id, HourEntry.person_id == person_id,
        HourEntry.work_date == on, HourEntry.withdrawn_at.is_(None),
        HourEntry.corrects_entry_id.is_(None))
    if ignore_entry_id is not None:
        stmt = stmt.where(HourEntry.id != ignore_entry_id)
    return session.scalar(stmt)


def _check(session: Session, site: Site, access: SiteAccess, person_id: int,
           data: EntryData, today: date, ignore_entry_id: int | None = None,
           clients_on: date | None = None) -> dict:
    if data.category not in allowed_categories(access):
        raise RuleViolation(N_("Kies een categorie die bij uw rol op deze locatie past."),
                            field="category")
    if data.activity_type not in set(ActivityType):
        raise RuleViolation(N_("Kies een soort activiteit."), field="activity_type")
    if not 0 < data.quarters <= MAX_QUARTERS_PER_ENTRY:
        raise RuleViolation(N_("Vul een duur in van een kwartier tot 24 uur."),
                            field="duration")
    if data.work_date > today:
        raise RuleViolation(N_("De datum ligt in de toekomst."), field="work_date")
    if data.work_date < site.project_start:
        raise RuleViolation(N_("De datum ligt vóór de start van het project (%(date)s)."),
                            field="work_date", date=site.project_start.isoformat())
    if is_closed(session, site.id, data.work_date):
        raise RuleViolation(N_("Maand %(month)s is afgesloten; leg een correctie vast in "
                               "een open maand."), field="work_date",
                            month=month_name(data.work_date))
    _check_organisation(session, site, access, data, clients_on or data.work_date)
    total = _day_total(session, site.id, person_id, data.work_date, ignore_entry_id)
    if total + data.quarters > MAX_QUARTERS_PER_ENTRY:
        raise RuleViolation(N_("Op %(date)s staan dan meer dan 24 uur."), field="duration",
                            date=data.work_date.isoformat())
    note = (data.note or "").strip() or None
    return {"work_date": data.work_date, "quarters": data.quarters,
            "category": data.category, "activity_type": data.activity_type,
            "organisation_id": data.organisation_id, "note": note}


def log_entry(session: Session, site: Site, access: SiteAccess, *, person_id: int,
              data: EntryData, today: date) -> HourEntry:
    """Log hours of ``person_id`` (the logged-in person) on the site."""
    if not access.can_log_hours:
        raise RuleViolation(N_("U kunt op deze locatie geen uren schrijven."))
    values = _check(session, site, access, person_id, data, today)
    entry = HourEntry(site_id=site.id, person_id=person_id, created_by_id=person_id,
                      **values)
    session.add(entry)
    session.flush()
    return entry


def get_entry(session: Session, site_id: int, entry_id: int) -> HourEntry:
    entry = session.get(HourEntry, entry_id)
    if entry is None or entry.site_id != site_id:
        raise NotFound(entry_id)
    return entry


def _require_open(session: Session, entry: HourEntry) -> None:
    if entry.withdrawn_at is not None:
        raise RuleViolation(N_("Deze regel is ingetrokken."))
    if is_closed(session, entry.site_id, entry.work_date):
        raise RuleViolation(N_("Maand %(month)s is afgesloten; leg een correctie vast."),
                            month=month_name(entry.work_date))


def update_entry(session: Session, site: Site, access: SiteAccess, entry: HourEntry, *,
                 data: EntryData, actor_id: int, today: date) -> HourEntry:
    """Change one's own entry while its month is open (and stays in an open month)."""
    _require_open(session, entry)
    if entry.corrects_entry_id is not None:
        raise RuleViolation(N_("Een correctie kunt u niet wijzigen, alleen intrekken."))
    values = _check(session, site, access, entry.person_id, data, today,
                    ignore_entry_id=entry.id)
    changes = audit.changes_between(entry, values)
    if changes:
        for name, value in values.items():
            setattr(entry, name, value)
        entry.updated_at = utcnow()
        audit.record(session, actor_id=actor_id, entity_type="hour_entry",
                     entity_id=entry.id, action="update", changes=changes, site_id=site.id)
        session.flush()
    return entry


def withdraw_entry(session: Session, entry: HourEntry, *, actor_id: int) -> list[HourEntry]:
    """Withdraw an entry of an open month; a correction is withdrawn with its pair."""
    _require_open(session, entry)
    group = [entry]
    if entry.corrects_entry_id is not None:
        group = list(session.scalars(sa.select(HourEntry).where(
            HourEntry.corrects_entry_id == entry.corrects_entry_id,
            HourEntry.withdrawn_at.is_(None))))
    for item in group:
        item.withdrawn_at, item.withdrawn_by_id = utcnow(), actor_id
        audit.record(session, actor_id=actor_id, entity_type="hour_entry", entity_id=item.id,
                     action="withdraw", site_id=item.site_id,
                     changes={"work_date": item.work_date, "quarters": item.quarters})
    session.flush()
    return group


def restored_ids(session: Session, entry_ids: list[int]) -> set[int]:
    """Which of these withdrawn entries were restored already ("Ongedaan maken")."""
    if not entry_ids:
        return set()
    return set(session.scalars(sa.select(AuditEvent.entity_id).where(
        AuditEvent.entity_type == "hour_entry", AuditEvent.action == "restore",
        AuditEvent.entity_id.in_(entry_ids))))


def may_restore(session: Session, entry: HourEntry) -> bool:
    """A withdrawn entry of an open month that is no correction and not yet restored."""
    return entry.withdrawn_at is not None and entry.corrects_entry_id is None \
        and not is_closed(session, entry.site_id, entry.work_date) \
        and not restored_ids(session, [entry.id])


def restore_entry(session: Session, site: Site, access: SiteAccess, entry: HourEntry, *,
                  actor_id: int, today: date) -> HourEntry:
    """Undo a withdrawal: a new entry with the withdrawn one's data (the withdrawn entry
    stays as it was, in the history), checked as any new entry; once per entry."""
    if entry.withdrawn_at is None:
        raise RuleViolation(N_("Deze regel is niet ingetrokken."))
    if entry.corrects_entry_id is not None:
        raise RuleViolation(N_("Een ingetrokken correctie legt u opnieuw vast met "
                               "Corrigeren."))
    if restored_ids(session, [entry.id]):
        raise RuleViolation(N_("Deze regel is al teruggezet."))
    restored = log_entry(session, site, access, person_id=entry.person_id, data=EntryData(
        work_date=entry.work_date, quarters=entry.quarters, category=entry.category,
        activity_type=entry.activity_type, organisation_id=entry.organisation_id,
        note=entry.note), today=today)
    audit.record(session, actor_id=actor_id, entity_type="hour_entry", entity_id=entry.id,
                 action="restore", site_id=entry.site_id, changes={"restored_as": restored.id})
    session.flush()
    return restored


def correction_date(entry_month: date, closed: set[date], today: date) -> date:
    """Where a correction of an entry in the closed ``entry_month`` goes: the first open
    month after it; dated today when that is the current month, else on its first day."""
    month = next_month(entry_month)
    while month in closed:
        month = next_month(month)
    return today if month == month_start(today) else min(month, today)


def active_correction(session: Session, entry: HourEntry) -> HourEntry | None:
    return session.scalar(sa.select(HourEntry).where(
        HourEntry.corrects_entry_id == entry.id, HourEntry.withdrawn_at.is_(None)).limit(1))


def correct_entry(session: Session, site: Site, access: SiteAccess, entry: HourEntry, *,
                  data: EntryData, reason: str, actor_id: int, today: date
                  ) -> list[HourEntry]:
    """Correct an entry of a closed month: a reversal and, unless the corrected duration
    is 0, a replacement with ``data`` (its date is ignored), in the next open month."""
    closed = closed_months(session, site.id)
    if month_start(entry.work_date) not in closed:
        raise RuleViolation(N_("Deze maand is nog open; wijzig de regel zelf."))
    if entry.withdrawn_at is not None or entry.quarters < 0:
        raise RuleViolation(N_("Deze regel kan niet worden gecorrigeerd."))
    if active_correction(session, entry) is not None:
        raise RuleViolation(N_("Deze regel is al gecorrigeerd; corrigeer zo nodig de "
                               "vervangende regel."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(N_("Geef aan waarom u corrigeert."), field="note")
    same = (data.quarters, data.category, data.activity_type, data.organisation_id) == (
        entry.quarters, entry.category, entry.activity_type, entry.organisation_id)
    if same:
        raise RuleViolation(N_("Er verandert niets aan deze regel."), field="duration")
    on = correction_date(month_start(entry.work_date), closed, today)
    note = f"{reason} (correctie van {entry.work_date.isoformat()})"[:500]
    reversal = HourEntry(site_id=site.id, person_id=entry.person_id, created_by_id=actor_id,
                         organisation_id=entry.organisation_id, category=entry.category,
                         activity_type=entry.activity_type, work_date=on,
                         quarters=-entry.quarters, note=note, corrects_entry_id=entry.id)
    created = [reversal]
    if data.quarters:
        replacement = EntryData(on, data.quarters, data.category, data.activity_type,
                                data.organisation_id, note)
        values = _check(session, site, access, entry.person_id, replacement, today,
                        clients_on=entry.work_date)
        created.append(HourEntry(site_id=site.id, person_id=entry.person_id,
                                 created_by_id=actor_id, corrects_entry_id=entry.id,
                                 **values))
    session.add_all(created)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="hour_entry", entity_id=entry.id,
                 action="correct", site_id=site.id,
                 changes={"work_date": on, "quarters": [entry.quarters, data.quarters],
                          "reason": reason})
    return created


# --- closing months --------------------------------------------------------------------

def logged_quarters(session: Session, site_id: int, start: date, end: date) -> int:
    return session.scalar(sa.select(sa.func.coalesce(sa.func.sum(HourEntry.quarters), 0))
                          .where(HourEntry.site_id == site_id, HourEntry.work_date >= start,
                                 HourEntry.work_date < end, HourEntry.withdrawn_at.is_(None)))


def close_month(session: Session, site: Site, month: date, *, actor_id: int,
                today: date) -> MonthClosure:
    """Approve a month that has ended: its entries can no longer change and its norms are
    frozen as they stand now."""
    month = month_start(month)
    if month < month_start(site.project_start):
        raise RuleViolation(N_("Deze maand ligt vóór de start van het project."), field="month")
    if next_month(month) > today:
        raise RuleViolation(N_("Een maand kan pas worden afgesloten als hij voorbij is."),
                            field="month")
    if month in closed_months(session, site.id):
        raise RuleViolation(N_("Deze maand is al afgesloten."), field="month")
    closure = MonthClosure(
        site_id=site.id, month=month, closed_by_id=actor_id,
        logged_quarters=logged_quarters(session, site.id, month, next_month(month)),
        day_norms=freeze_month(load_norm_inputs(session, site), month))
    session.add(closure)
    session.flush()
    audit.record(session, actor_id=actor_id, entity_type="month_closure",
                 entity_id=closure.id, action="close", site_id=site.id,
                 changes={"month": month, "logged_quarters": closure.logged_quarters})
    return closure


@dataclass(frozen=True)
class MonthRow:
    month: date
    closure: MonthClosure | None
    quarters: int
    closable: bool


def month_overview(session: Session, site: Site, today: date) -> list[MonthRow]:
    """Every month from the project start up to now, newest first, open or closed."""
    closures = {c.month: c for c in session.scalars(
        sa.select(MonthClosure).where(MonthClosure.site_id == site.id))}
    rows, month = [], month_start(site.project_start)
    while month <= today:
        closure = closures.get(month)
        quarters = closure.logged_quarters if closure else logged_quarters(
            session, site.id, month, next_month(month))
        rows.append(MonthRow(month, closure, quarters,
                             closure is None and next_month(month) <= today))
        month = next_month(month)
    return rows[::-1]


# --- reading -------------------------------------------------------------------------

@dataclass(frozen=True)
class EntryDefaults:
    category: str
    activity_type: str
    organisation_id: int | None


def defaults_for(session: Session, site: Site, access: SiteAccess,
                 person_id: int) -> EntryDefaults:
    """Sensible defaults for the quick form: the person's usual category (the most
    frequent of their last 20 entries), the organisation they last used with it and
    their last activity type; without history, what their role suggests."""
    recent = list(session.scalars(
        sa.select(HourEntry).where(HourEntry.site_id == site.id,
                                   HourEntry.person_id == person_id,
                                   HourEntry.withdrawn_at.is_(None),
                                   HourEntry.corrects_entry_id.is_(None))
        .order_by(HourEntry.created_at.desc(), HourEntry.id.desc()).limit(20)))
    allowed = allowed_categories(access)
    recent = [e for e in recent if e.category in allowed]
    if recent:
        usual = Counter(e.category for e in recent).most_common(1)[0][0]
        org = next(e.organisation_id for e in recent if e.category == usual)
        return EntryDefaults(usual, recent[0].activity_type, org)
    category = allowed[0] if allowed else HourCategory.OVERIG
    org = None
    if category == HourCategory.BEGELEIDER and access.care_organisation_ids:
        org = min(access.care_organisation_ids)
    elif category in (HourCategory.SOCIAAL_BEHEER, HourCategory.FYSIEK_BEHEER):
        org = site.corporation_id
    return EntryDefaults(category, ActivityType.OUTREACH, org)


@dataclass(frozen=True)
class EntryRow:
    entry: HourEntry
    person_name: str
    organisation_name: str | None
    month_closed: bool
    corrected: bool
    own: bool


def visible_entries(session: Session, access: SiteAccess, viewer_id: int, start: date,
                    end: date, only_own: bool = False) -> list[EntryRow]:
    """The entries from ``start`` up to ``end`` the viewer may see, newest date first
    (withdrawn ones included, marked by ``entry.withdrawn_at``)."""
    stmt = (sa.select(HourEntry).where(HourEntry.site_id == access.site_id,
                                       HourEntry.work_date >= start, HourEntry.work_date < end)
            .order_by(HourEntry.work_date.desc(), HourEntry.id.desc()))
    if only_own or not access.sees_all_hours:
        visible = HourEntry.person_id == viewer_id
        if not only_own and access.care_organisation_ids and Role.BEGELEIDER in access.roles:
            visible = sa.or_(visible, HourEntry.organisation_id.in_(access.care_organisation_ids))
        stmt = stmt.where(visible)
    entries = [e for e in session.scalars(stmt)
               if access.sees_hours_of(e.person_id == viewer_id, e.organisation_id)]
    closed = closed_months(session, access.site_id)
    corrected = set(session.scalars(sa.select(HourEntry.corrects_entry_id).where(
        HourEntry.corrects_entry_id.in_([e.id for e in entries]),
        HourEntry.withdrawn_at.is_(None))))
    return [EntryRow(e, e.person.name, e.organisation.name if e.organisation else None,
                     month_start(e.work_date) in closed, e.id in corrected,
                     e.person_id == viewer_id) for e in entries]
