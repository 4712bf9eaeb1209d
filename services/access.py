"""Who may see and do what on a site: a pure policy over a user's roles (deny by default).

Individual care data (begeleid status, care organisation, indicated hours) is
health-related: only the site's sociaal_beheerder, admins and begeleiders of the
resident's own care organisation see it per person; every other role sees aggregates.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import Role

RESIDENT_LIST_ROLES = frozenset({Role.SOCIAAL_BEHEERDER, Role.COMMUNITYCOACH,
                                 Role.BEGELEIDER, Role.BESTUUR})
IMO_MEMBER_ROLES = frozenset({Role.TOELATINGSCOMMISSIE, Role.SOCIAAL_BEHEERDER, Role.BESTUUR,
                              Role.BEGELEIDER, Role.COMMUNITYCOACH})
HOUR_LOGGING_ROLES = frozenset({Role.SOCIAAL_BEHEERDER, Role.COMMUNITYCOACH, Role.BEGELEIDER})
HOUR_REPORT_ROLES = frozenset({Role.SOCIAAL_BEHEERDER, Role.COMMUNITYCOACH, Role.BEGELEIDER,
                               Role.KERNGROEP, Role.STUURGROEP, Role.BESTUUR})


@dataclass(frozen=True)
class SiteAccess:
    """The roles one user holds on one site."""

    site_id: int
    roles: frozenset[str] = frozenset()
    is_admin: bool = False
    #: an administrator of the site's woningcorporatie (no care data, no residents)
    is_corporation_admin: bool = False
    care_organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def any_role(self) -> bool:
        """May see the site at all (its dashboard of aggregates)."""
        return self.is_admin or self.is_corporation_admin or bool(self.roles)

    def has(self, *roles: str) -> bool:
        return self.is_admin or any(role in self.roles for role in roles)

    @property
    def sees_all_care_data(self) -> bool:
        return self.has(Role.SOCIAAL_BEHEERDER)

    def sees_care_of(self, care_organisation_id: int | None) -> bool:
        """May see the individual care data of a resident supported by that organisation."""
        if self.sees_all_care_data:
            return True
        return care_organisation_id is not None and (
            Role.BEGELEIDER in self.roles
            and care_organisation_id in self.care_organisation_ids)

    def may_write_care_of(self, current_organisation_id: int | None,
                          new_organisation_id: int | None) -> bool:
        """May record a resident's support status: the sociaal_beheerder (and admins) for
        every resident; a begeleider for their own organisation's clients, keeping them
        with that organisation or ending the support (onbegeleid)."""
        if self.sees_all_care_data:
            return True
        own = self.care_organisation_ids if Role.BEGELEIDER in self.roles else frozenset()
        return current_organisation_id in own and (
            new_organisation_id is None or new_organisation_id in own)

    @property
    def can_list_residents(self) -> bool:
        return self.has(*RESIDENT_LIST_ROLES)

    @property
    def can_review_access(self) -> bool:
        """Sees who has access to the site ("Wie heeft toegang", the access review)."""
        return self.has(Role.SOCIAAL_BEHEERDER) or self.is_corporation_admin

    @property
    def can_manage_roles(self) -> bool:
        """Give, end and date the roles on the site (never admin rights, never one's own
        roles: :func:`services.invitations.may_change_role`)."""
        return self.has(Role.SOCIAAL_BEHEERDER) or self.is_corporation_admin

    @property
    def can_edit_site(self) -> bool:
        """The site's own settings (name, municipality, project start, norms); which
        corporation owns it stays with the installation's administrators."""
        return self.is_admin or self.is_corporation_admin

    @property
    def can_manage_units(self) -> bool:
        """Add and change units and parts (no residents)."""
        return self.has(Role.SOCIAAL_BEHEERDER) or self.is_corporation_admin

    @property
    def can_manage_registry(self) -> bool:
        """Add, edit, move out residents; manage units and parts."""
        return self.has(Role.SOCIAAL_BEHEERDER)

    # --- IMO ---------------------------------------------------------------------

    @property
    def is_imo_member(self) -> bool:
        """Sees the IMO and the candidate dossiers (not their soft-landing details)."""
        return self.has(*IMO_MEMBER_ROLES)

    def sees_soft_landing(self, care_organisation_id: int | None) -> bool:
        """Severity, fallback place and safeguards of a candidate: the sociaal_beheerder
        and the begeleiders of the proposing care organisation only."""
        return self.sees_care_of(care_organisation_id)

    def sees_candidate_status(self, care_organisation_id: int | None, pending: bool) -> bool:
        """Whether a candidate is begeleid or not (and their intake route, which gives it
        away), with the what-if of their placement: care data, as for residents. While
        the candidate is pending the toelatingscommissie weighs it too; once placed (a
        resident) or closed, only those who see the resident's care data do. Bestuur,
        communitycoach, kerngroep and stuurgroep never see it per person."""
        if self.sees_care_of(care_organisation_id):
            return True
        return pending and Role.TOELATINGSCOMMISSIE in self.roles

    @property
    def can_register_candidates(self) -> bool:
        """The sociaal_beheerder; a begeleider for their own organisation's clients."""
        return self.has(Role.SOCIAAL_BEHEERDER, Role.BEGELEIDER)

    @property
    def can_chair_imo(self) -> bool:
        """Runs the meeting and records the corporation's decision and placements."""
        return self.has(Role.SOCIAAL_BEHEERDER)

    @property
    def can_see_handover(self) -> bool:
        """The welkomstcommissie's list: name, unit and move-in date of newcomers."""
        return self.has(Role.SOCIAAL_BEHEERDER, Role.BESTUUR)


    # --- hours -------------------------------------------------------------------

    @property
    def can_log_hours(self) -> bool:
        """Log hours and change or withdraw one's own entries (of open months)."""
        return self.has(*HOUR_LOGGING_ROLES)

    @property
    def sees_all_hours(self) -> bool:
        return self.has(Role.SOCIAAL_BEHEERDER)

    def sees_hours_of(self, own: bool, organisation_id: int | None) -> bool:
        """May see an hour entry: one's own, every entry for the sociaal_beheerder, and
        for a begeleider the entries of their own care organisation."""
        if self.sees_all_hours or (own and self.can_log_hours):
            return True
        return organisation_id is not None and (
            Role.BEGELEIDER in self.roles and organisation_id in self.care_organisation_ids)

    def may_correct_hours(self, own: bool) -> bool:
        """Correct an entry of a closed month: one's own, or any as sociaal_beheerder."""
        return self.sees_all_hours or (own and self.can_log_hours)

    @property
    def can_close_months(self) -> bool:
        return self.has(Role.SOCIAAL_BEHEERDER)

    @property
    def can_manage_hour_norms(self) -> bool:
        """Record scale-ups, the waakvlam, a small site's own norm and the fte hours."""
        return self.has(Role.SOCIAAL_BEHEERDER)

    @property
    def can_see_hour_reports(self) -> bool:
        """The report page; what it shows depends on the properties below."""
        return self.has(*HOUR_REPORT_ROLES)

    @property
    def sees_full_hour_report(self) -> bool:
        """Every category, organisation and financier report."""
        return self.has(Role.SOCIAAL_BEHEERDER, Role.KERNGROEP, Role.STUURGROEP)

    @property
    def sees_coach_report(self) -> bool:
        """The municipality's report on the community coach."""
        return self.sees_full_hour_report or self.has(Role.COMMUNITYCOACH)

    def sees_care_report_of(self, care_organisation_id: int) -> bool:
        """A care organisation's 10% report (aggregates only)."""
        return self.sees_full_hour_report or (
            Role.BEGELEIDER in self.roles and care_organisation_id in self.care_organisation_ids)

    # --- governance (bodies, meetings, decisions, action items, work plan) ----------
    # Seats in a body are records (services/governance/bodies.py maps site roles onto
    # them); the views pass the user's seat to these rules as plain values.

    @property
    def can_manage_bodies(self) -> bool:
        """Create bodies and change their seats, the ALV settings, the work plan and the
        agreements; run every body's meetings: the sociaal_beheerder (and admins)."""
        return self.has(Role.SOCIAAL_BEHEERDER)

    def sees_body(self, kind: str, is_member: bool, member_of: frozenset[str]) -> bool:
        """A body's meetings, minutes, decisions and action items: its members and the
        managers; members of the stuurgroep also read the kerngroep's."""
        return self.can_manage_bodies or is_member or (
            kind == "kerngroep" and "stuurgroep" in member_of)

    def runs_body(self, role_in_body: str | None) -> bool:
        """Plans the body's meetings and keeps its minutes, decisions, action items and
        escalations: the managers and the body's chair or secretary."""
        return self.can_manage_bodies or role_in_body in ("voorzitter", "secretaris")

    @property
    def sees_agreements(self) -> bool:
        """The collaboration agreements with the parties' contributions."""
        return self.has(Role.SOCIAAL_BEHEERDER, Role.KERNGROEP, Role.STUURGROEP)

    # --- rooms (the shared room's agenda) -----------------------------------
    # The room manager is the association's bestuur or the sociaal_beheerder (seed 004,
    # "4. Ontmoeting": managed by the corporation or the association).

    @property
    def can_book_rooms(self) -> bool:
        """See the room agenda and book directly: residents and partners with an account,
        i.e. every role on the site."""
        return self.any_role

    @property
    def can_manage_rooms(self) -> bool:
        """Rooms, opening hours, rules, tariffs, blocks, keys, feeds, settings, and the
        approval of external requests."""
        return self.has(Role.BESTUUR, Role.SOCIAAL_BEHEERDER)

    def may_change_booking(self, own: bool) -> bool:
        """Move, cancel or re-add an occurrence: whoever booked it and the room managers."""
        return self.can_manage_rooms or (own and self.can_book_rooms)

    def may_record_attendance(self, own: bool) -> bool:
        """The organiser (who booked the activity), the coach and the room managers."""
        return self.may_change_booking(own) or self.has(Role.COMMUNITYCOACH)

    # --- woonvereniging (members, contributions, cash book, statement) ---------------
    # The association's money is the bestuur's: only the bestuur of the site's
    # association (and admins) see members' payment status, the cash book and the ALV
    # statement. Members (households) have no accounts; the statement carries no names,
    # so the bestuur hands it to them at the ALV on paper or as PDF.

    @property
    def sees_association(self) -> bool:
        """The "Vereniging" pages: members, board, dues and payments, bank import,
        reminders, cash book, budgets, grants, the statement and the audit trail."""
        return self.has(Role.BESTUUR)

    @property
    def sees_participation(self) -> bool:
        """Who contributes to the community and the share against 50-70% (no care data):
        the bestuur, the communitycoach and the sociaal_beheerder; they also record it."""
        return self.has(Role.BESTUUR, Role.COMMUNITYCOACH, Role.SOCIAAL_BEHEERDER)

    # --- privacy (AVG: export and retention) --------------------------------
    # The corporation's sociaal_beheerder is the controller's contact for residents and
    # candidates: they hand over an export on request and watch the retention periods.

    @property
    def can_export_personal_data(self) -> bool:
        """Download everything stored about one resident or candidate of the site."""
        return self.has(Role.SOCIAAL_BEHEERDER)

    @property
    def can_manage_retention(self) -> bool:
        """The site's retention periods and the report of what is due."""
        return self.has(Role.SOCIAAL_BEHEERDER)
