"""Typed SQLAlchemy models. ``db`` lives in :mod:`models.base`."""
from models.alv import AlvAttendance, AlvPresence, AlvSettings, Motion
from models.association import (AssociationMember, AssociationSettings, BoardOffice,
                                BoardOfficeKind, Commission, CommissionMember,
                                MembershipDecline, ParticipationKind, ParticipationRecord)
from models.association_books import (Account, AuditCheck, Budget, CashCategory, CashEntry,
                                      EntryKind, Grant, PresentedStatement)
from models.association_dues import (BankImport, BankLine, ContributionScheme, Due,
                                     DuesReminder, Frequency, MemberReduction, Payment,
                                     PaymentMethod, Reduction, ReminderChannel,
                                     ReminderStatus)
from models.audit import AppendOnlyError, AuditEvent
from models.base import UTCDateTime, db, utcnow
from models.enums import OrgKind, Role, SupportStatus
from models.governance import (ActionItem, ActionNote, ActionStatus, Body, BodyDecision,
                               BodyKind, BodyMember, Escalation, Invitation, KeptRecordError,
                               Meeting, MeetingAddendum, MeetingItem, MeetingStatus,
                               MemberRole)
from models.hours import (ActivityType, ClosedMonthError, CoachNormOverride, HourCategory,
                          HourEntry, MonthClosure, NormOverrideKind, SiteHourSettings)
from models.imports import ImportFile, ImportKind, ImportMapping
from models.imo import (Addendum, AgendaItem, Attendance, Candidate, CandidateConsent,
                        CandidateEvent,
                        CorporationDecision, HandoverTask, ImoMeeting, MeetingCandidate,
                        ParticipationFact, ReasonOption)
from models.monitoring import JobPeriod, JobRun, OutgoingMail, SchedulerHeartbeat, Signal
from models.notify import Notification, NotificationPreference, PersonalFeedToken
from models.organisation import Organisation
from models.privacy import ApiToken, RetentionSetting
from models.resident import Resident, SupportPeriod
from models.rooms import (ActivityAttendance, BlockReason, Booking, BookingRecordError,
                          BookingSeries, BookingStatus, KeyHolder, OrganiserKind, Recurrence,
                          RequesterKind, RequestStatus, Room, RoomBlock, RoomFeedToken,
                          RoomOpening, RoomRequest, RoomSettings, RoomTariff, RoomTypology,
                          TariffUnit)
from models.service_account import IdempotencyKey, ServiceAccount, ServiceAccountSite
from models.site import Site, SitePart, Unit
from models.user import (AccountInvitation, InvitationRole, Membership, RecoveryCode,
                         User)
from models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEndpointSite
from models.workplan import (AgreementKind, AgreementParty, CollaborationAgreement,
                             Ingredient, Progress, WorkPlan, WorkPlanAction, WorkPlanGoal)

__all__ = [
    "Account", "AssociationMember", "AssociationSettings", "AuditCheck", "BankImport",
    "BankLine", "BoardOffice", "BoardOfficeKind", "Budget", "CashCategory", "CashEntry",
    "Commission", "CommissionMember", "ContributionScheme", "Due", "DuesReminder",
    "EntryKind", "Frequency", "Grant", "MemberReduction", "MembershipDecline",
    "ParticipationKind", "ParticipationRecord", "Payment", "PaymentMethod",
    "PresentedStatement", "Reduction", "ReminderChannel", "ReminderStatus",
    "ActionItem", "ActionNote", "ActionStatus", "AgreementKind", "AgreementParty",
    "AlvAttendance", "AlvPresence", "AlvSettings", "Body", "BodyDecision", "BodyKind",
    "BodyMember", "CollaborationAgreement", "Escalation", "Ingredient", "Invitation",
    "KeptRecordError", "Meeting", "MeetingAddendum", "MeetingItem", "MeetingStatus",
    "MemberRole", "Motion", "Progress", "WorkPlan", "WorkPlanAction", "WorkPlanGoal",
    "JobPeriod", "JobRun", "OutgoingMail", "SchedulerHeartbeat", "Signal",
    "Addendum", "AgendaItem", "Attendance", "Candidate", "CandidateEvent",
    "CorporationDecision", "HandoverTask", "ImoMeeting", "MeetingCandidate",
    "ParticipationFact", "ReasonOption", "CandidateConsent",
    "ActivityType", "ClosedMonthError", "CoachNormOverride", "HourCategory", "HourEntry",
    "MonthClosure", "NormOverrideKind", "SiteHourSettings",
    "AccountInvitation", "AppendOnlyError", "AuditEvent", "InvitationRole", "Membership",
    "RecoveryCode", "OrgKind", "Organisation", "Resident",
    "Role", "Site", "SitePart", "SupportPeriod", "SupportStatus", "Unit", "User",
    "UTCDateTime", "db", "utcnow",
    "ApiToken", "RetentionSetting",
    "ImportFile", "ImportKind", "ImportMapping", "IdempotencyKey", "ServiceAccount",
    "ServiceAccountSite", "WebhookDelivery", "WebhookEndpoint", "WebhookEndpointSite",
    "Notification", "NotificationPreference", "PersonalFeedToken",
    "ActivityAttendance", "BlockReason", "Booking", "BookingRecordError", "BookingSeries",
    "BookingStatus", "KeyHolder", "OrganiserKind", "Recurrence", "RequesterKind",
    "RequestStatus", "Room", "RoomBlock", "RoomFeedToken", "RoomOpening", "RoomRequest",
    "RoomSettings", "RoomTariff", "RoomTypology", "TariffUnit",
]
