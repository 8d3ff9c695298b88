"""Espace intérimaire's models, one module per concern; imported here so that Django and the
rest of the code find them as ``interim.models.<Name>``."""

from .agency import Agency, ClientCompany, NewsItem, Qualification, Sector, SectorContact
from .contracts import Contract, ContractAuditEntry, Mission
from .documents import Document, DocumentRequest
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
    "ContractAuditEntry",
    "ContractSignDevice",
    "Diploma",
    "Document",
    "DocumentRequest",
    "Mission",
    "NewsItem",
    "PlanningSlot",
    "ProfileChange",
    "Qualification",
    "Sector",
    "SectorContact",
    "Timesheet",
    "TimesheetEntry",
    "Worker",
    "WorkerQualification",
    "new_token",
    "new_verification_code",
]
