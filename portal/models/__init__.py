"""All models, imported here so Alembic and the app see the whole schema."""

from portal.models.audit import AuditEvent, AuditOutcome
from portal.models.auth import (
    Invitation,
    InvitationPurpose,
    RecoveryCode,
    SessionEndReason,
    UserSession,
)
from portal.models.callback import CallbackReason, CallbackRequest, CallbackStatus
from portal.models.case import Assignment, Case
from portal.models.contact_notes import (  # noqa: F401
    NotificationAcknowledgement,
    SafeContactNote,
    VoicemailSafe,
)
from portal.models.enums import CaseStatus, Role
from portal.models.message import Absence, Message, NoteToFile, SavedReply  # noqa: F401
from portal.models.organisation import Organisation
from portal.models.partner import ApiKey, Partner, PartnerCaseLink, PartnerEvent  # noqa: F401
from portal.models.reminder import (  # noqa: F401
    CheckInSent,
    ReminderKind,
    ReminderSent,
    ReminderSettings,
)
from portal.models.rights import (  # noqa: F401
    ErasureRequest,
    ErasureStatus,
    RetentionRun,
    SubjectAccessRequest,
)
from portal.models.update import (
    Disclosure,
    DisclosureChoice,
    ToldHow,
    Update,
    UpdateCadence,
    UpdateStatus,
    UpdateVersion,
)
from portal.models.user import User

__all__ = [
    "Assignment",
    "AuditEvent",
    "AuditOutcome",
    "CallbackReason",
    "CallbackRequest",
    "CallbackStatus",
    "Case",
    "CaseStatus",
    "Disclosure",
    "DisclosureChoice",
    "Invitation",
    "InvitationPurpose",
    "Organisation",
    "RecoveryCode",
    "Role",
    "SessionEndReason",
    "ToldHow",
    "Update",
    "UpdateCadence",
    "UpdateStatus",
    "UpdateVersion",
    "User",
    "UserSession",
]
