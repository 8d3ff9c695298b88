"""Scoped reads of the Espace intérimaire: what the membership acted for may see, nothing more.

A temp worker sees the records of their file with the agency chosen in the organisation switcher
(never those of their file with another agency); agency staff see their agency's; a client user
sees the contracts of its missions. Any other membership sees nothing.
"""

from django.db.models import Q

from accounts.enums import Role

from .enums import ChangeState, DocumentKind
from .models import (
    Absence,
    Advance,
    Agency,
    Availability,
    Contract,
    Diploma,
    Document,
    DocumentRequest,
    NewsItem,
    PlanningSlot,
    ProfileChange,
    Sector,
    Worker,
)


def _role(membership):
    return getattr(membership, "role", None)


def worker_for(membership):
    """The worker file of a temp_worker membership (None for anyone else, or before the agency made it)."""
    if _role(membership) != Role.TEMP_WORKER:
        return None
    cached = getattr(membership, "_interim_worker", False)
    if cached is False:
        cached = Worker.objects.select_related("user", "agency__organisation").filter(membership=membership).first()
        membership._interim_worker = cached
    return cached


def agency_for(membership):
    """The agency acted for (a worker's or a staff member's), or None."""
    if _role(membership) not in (Role.TEMP_WORKER, Role.AGENCY_STAFF):
        return None
    return Agency.objects.select_related("organisation").filter(pk=membership.organisation_id).first()


def workers_for(membership):
    if _role(membership) == Role.AGENCY_STAFF:
        return Worker.objects.filter(agency_id=membership.organisation_id)
    if _role(membership) == Role.TEMP_WORKER:
        return Worker.objects.filter(membership=membership)
    return Worker.objects.none()


def _by_worker(model, membership):
    role = _role(membership)
    if role == Role.TEMP_WORKER:
        return model.objects.filter(worker__membership=membership)
    if role == Role.AGENCY_STAFF:
        return model.objects.filter(worker__agency_id=membership.organisation_id)
    return model.objects.none()


def changes_for(membership):
    return _by_worker(ProfileChange, membership).select_related("worker__user")


def pending_changes_for(membership):
    return changes_for(membership).filter(state=ChangeState.PENDING)


def diplomas_for(membership):
    return _by_worker(Diploma, membership).select_related("worker__user")


def contracts_for(membership):
    role = _role(membership)
    queryset = Contract.objects.select_related(
        "mission__qualification", "mission__client__organisation", "worker__user"
    )
    if role == Role.CLIENT_USER:
        return queryset.filter(mission__client_id=membership.organisation_id)
    if role == Role.TEMP_WORKER:
        return queryset.filter(worker__membership=membership)
    if role == Role.AGENCY_STAFF:
        return queryset.filter(agency_id=membership.organisation_id)
    return Contract.objects.none()


def advances_for(membership):
    return _by_worker(Advance, membership).select_related("worker__user")


def slots_for(membership):
    return _by_worker(PlanningSlot, membership).select_related("contract__mission__client__organisation", "worker")


def absences_for(membership):
    return _by_worker(Absence, membership)


def availabilities_for(membership):
    return _by_worker(Availability, membership)


def documents_for(membership, kind=None):
    queryset = _by_worker(Document, membership).select_related("worker")
    return queryset.filter(kind=kind) if kind else queryset


def document_requests_for(membership):
    return _by_worker(DocumentRequest, membership).select_related("worker__user")


def news_for(membership):
    if _role(membership) not in (Role.TEMP_WORKER, Role.AGENCY_STAFF):
        return NewsItem.objects.none()
    return NewsItem.objects.filter(agency_id=membership.organisation_id)


def sectors_for(membership):
    if _role(membership) not in (Role.TEMP_WORKER, Role.AGENCY_STAFF):
        return Sector.objects.none()
    return Sector.objects.filter(agency_id=membership.organisation_id).prefetch_related("contacts")


def contract_by_code(code):
    """Public verification: a signed contract by its verification code (no scope: the code is the secret)."""
    code = (code or "").strip().upper()
    return (
        Contract.objects.filter(Q(verification_code=code) & ~Q(signed_sha256="")).select_related("worker__user").first()
    )


def contract_by_signed_hash(sha256):
    """The signed contract whose sealed PDF has this hash; or, for a contract signed again after an
    amendment, what its earlier signed PDF was (reference, signer, when, hash)."""
    found = (
        Contract.objects.filter(signed_sha256=sha256).exclude(signed_sha256="").select_related("worker__user").first()
    )
    if found is not None or not sha256:
        return found
    from types import SimpleNamespace

    from .models import ContractAmendment

    amendment = (
        ContractAmendment.objects.filter(previous_signed_sha256=sha256).select_related("contract__worker__user").first()
    )
    if amendment is None:
        return None
    return SimpleNamespace(
        reference=amendment.contract.reference,
        worker=amendment.contract.worker,
        signed_at=amendment.previous_signed_at,
        signed_sha256=amendment.previous_signed_sha256,
    )


DOCUMENT_KINDS = {
    "bulletins": DocumentKind.PAYSLIP,
    "attestations": DocumentKind.ATTESTATION,
    "certificats": DocumentKind.CERTIFICATE,
}


# --- The agency's back office: missions, targetings, bulk documents ------------------------------


def _staff_agency(membership):
    return membership.organisation_id if _role(membership) == Role.AGENCY_STAFF else None


def missions_for(membership):
    from .models import Mission

    agency_id = _staff_agency(membership)
    if agency_id is None:
        return Mission.objects.none()
    return Mission.objects.filter(agency_id=agency_id).select_related("qualification", "client__organisation")


def targetings_for(membership):
    from .models import Targeting

    agency_id = _staff_agency(membership)
    if agency_id is None:
        return Targeting.objects.none()
    return Targeting.objects.filter(agency_id=agency_id).select_related(
        "mission__qualification", "mission__client__organisation"
    )


def offers_for(membership):
    """A worker's offers (their file with the agency acted for); the agency's offers for its staff."""
    from .models import TargetingOffer

    return _by_worker(TargetingOffer, membership).select_related(
        "targeting__mission__qualification", "targeting__mission__client__organisation", "worker__user"
    )


def document_batches_for(membership):
    from .models import DocumentBatch

    agency_id = _staff_agency(membership)
    if agency_id is None:
        return DocumentBatch.objects.none()
    return DocumentBatch.objects.filter(agency_id=agency_id)


def batch_items_for(membership):
    from .models import DocumentBatchItem

    agency_id = _staff_agency(membership)
    if agency_id is None:
        return DocumentBatchItem.objects.none()
    return DocumentBatchItem.objects.filter(batch__agency_id=agency_id).select_related("batch", "worker__user")


def timesheets_for(membership):
    """A client user: the timesheets of its missions' contracts; agency staff: those of its agency."""
    from .models import Timesheet

    role = _role(membership)
    queryset = Timesheet.objects.select_related(
        "contract__mission__client__organisation", "contract__worker__user", "contract__agency__organisation"
    )
    if role == Role.CLIENT_USER:
        return queryset.filter(contract__mission__client_id=membership.organisation_id)
    if role == Role.AGENCY_STAFF:
        return queryset.filter(contract__agency_id=membership.organisation_id)
    return Timesheet.objects.none()
