"""Contract documents and their signature: the document's hash, the append-only hash-chained audit
trail, the SMS code (a django-otp side-channel device bound to the contract and the document's
SHA-256), the certificate page, the PAdES seal and the evidence file."""

import hashlib
import ipaddress

from django.core.files.base import ContentFile
from django.db import transaction

from .models import Contract, ContractAuditEntry

GENESIS = "0" * 64


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def set_document(contract: Contract, data: bytes, *, save=True):
    """Attaches the contract's PDF and its SHA-256 (computed before anyone reads it)."""
    contract.document.save(f"contrat-{contract.reference}.pdf", ContentFile(data), save=False)
    contract.document_sha256 = sha256(data)
    if save:
        contract.save(update_fields=["document", "document_sha256"])
    return contract


def client_address(request):
    if request is None:
        return None
    value = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def user_agent(request):
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300]


@transaction.atomic
def audit_append(contract, event, *, actor=None, request=None, data=None, at=None) -> ContractAuditEntry:
    """Appends one entry to the contract's trail, chained to the last one (the contract row is locked)."""
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    last = ContractAuditEntry.objects.filter(contract=contract).order_by("-position").first()
    entry = ContractAuditEntry(
        contract=contract,
        position=(last.position + 1) if last else 1,
        event=event,
        actor=actor if getattr(actor, "pk", None) else None,
        ip_address=client_address(request),
        user_agent=user_agent(request),
        data=data or {},
        previous_hash=last.hash if last else GENESIS,
    )
    if at is not None:
        entry.at = at
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


def audit_problems(contract) -> list[str]:
    """What breaks the contract's chain (an edited, removed or inserted entry); [] when intact."""
    problems = []
    previous = GENESIS
    for expected, entry in enumerate(ContractAuditEntry.objects.filter(contract=contract).order_by("position"), 1):
        if entry.position != expected:
            problems.append(f"entrée {expected} manquante")
        if entry.previous_hash != previous:
            problems.append(f"entrée {entry.position} : chaînage rompu")
        if entry.compute_hash() != entry.hash:
            problems.append(f"entrée {entry.position} : contenu modifié")
        previous = entry.hash
    return problems
