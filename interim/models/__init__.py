"""Espace intérimaire's models, one module per concern; imported here so that Django and the
rest of the code find them as ``interim.models.<Name>``."""

from .agency import Agency, ClientCompany, NewsItem, Qualification, Sector, SectorContact
from .batches import DocumentBatch, DocumentBatchItem
from .contracts import Contract, ContractAuditEntry, Mission
from .documents import Document, DocumentRequest
from .missions import ContractAmendment, Targeting, TargetingOffer
from .planning import Absence, Advance, Availability, PlanningSlot
from .signing import ContractSignDevice
from .timesheets import Timesheet, TimesheetEntry
from .tokens import new_token, new_verification_code
from .workers import Diploma, ProfileChange, Worker, WorkerQualification

__all__ = [
    "Absence",
    "Advance",
    "Agency",
    "Availability",
    "ClientCompany",
    "Contract",
    "ContractAmendment",
    "ContractAuditEntry",
    "ContractSignDevice",
    "Diploma",
    "Document",
    "DocumentBatch",
    "DocumentBatchItem",
    "DocumentRequest",
    "Mission",
    "NewsItem",
    "PlanningSlot",
    "ProfileChange",
    "Qualification",
    "Sector",
    "SectorContact",
    "Targeting",
    "TargetingOffer",
    "Timesheet",
    "TimesheetEntry",
    "Worker",
    "WorkerQualification",
    "new_token",
    "new_verification_code",
]
