"""ORM models, one module per aggregate. Importing this package registers every table."""

from app.models.access_log import AccessKind, CaseAccess
from app.models.application_draft import ApplicationDraft
from app.models.apply_source import ApplySource
from app.models.audit import AuditEntry
from app.models.case import (
    Appeal,
    Case,
    CaseAgency,
    CaseRestriction,
    CaseSearchTerm,
    CaseStatus,
    CaseTask,
    Deadline,
    HistoryEntry,
    Milestone,
    ReferenceCounter,
    TaskStatus,
)
from app.models.council import Council, County
from app.models.document import Document, EmailStatus, Recipient
from app.models.figures import FiguresPublication
from app.models.process import CouncilProcess, ProcessAudit, ProcessVersion
from app.models.scheduled_job import ScheduledJob
from app.models.settings import CouncilSettingsVersion
from app.models.status_link import StatusLink
from app.models.throttle import Throttle
from app.models.user import (
    PARTNER_ROLES,
    AccountLink,
    LinkPurpose,
    Membership,
    PartnerAgency,
    Role,
    User,
    WebSession,
)

__all__ = [
    "PARTNER_ROLES", "AccessKind", "AccountLink", "ApplicationDraft", "ApplySource", "AuditEntry", "LinkPurpose",
    "Appeal", "Case", "CaseAccess", "CaseAgency", "CaseRestriction", "CaseSearchTerm", "CaseStatus", "CaseTask", "Council", "CouncilProcess", "CouncilSettingsVersion", "County", "Deadline",
    "Document", "EmailStatus", "FiguresPublication", "HistoryEntry", "Membership", "Milestone", "PartnerAgency",
    "ProcessAudit",
    "ProcessVersion", "Recipient", "ReferenceCounter", "Role", "ScheduledJob", "StatusLink", "TaskStatus", "Throttle", "User",
    "WebSession",
]  # fmt: skip
