"""E-mail events of the Espace intérimaire (core.notifications), declared once.

The eight switches of the worker's Paramètres page (reference 001) are the optional events with
audience temp_worker; the others are always sent (a refusal and its reason, a decision on the file, a
bank-details change told to the address on file).
"""

from django.utils.translation import gettext_lazy as _

from accounts.enums import Role, Space
from core.notifications import register_event

ADVANCE_ACCEPTED = "interim.advance_accepted"
ADVANCE_PAID = "interim.advance_paid"
TARGETING_CLOSED = "interim.targeting_closed"
CONTRACT_DATE_CHANGED = "interim.contract_date_changed"
PAYSLIP_ADDED = "interim.payslip_added"
CERTIFICATE_ADDED = "interim.certificate_added"
CONTRACT_ADDED = "interim.contract_added"
ATTESTATION_ADDED = "interim.attestation_added"

ADVANCE_REFUSED = "interim.advance_refused"
CHANGE_DECIDED = "interim.change_decided"
BANK_CHANGE_REQUESTED = "interim.bank_change_requested"
DIPLOMA_DECIDED = "interim.diploma_decided"
CONTRACT_SIGNED = "interim.contract_signed"
CONTRACT_CANCELLED = "interim.contract_cancelled"
TIMESHEET_DECIDED = "interim.timesheet_decided"

# (event, label, description): the worker's switches, in the manual's order.
SWITCHES = [
    (
        ADVANCE_ACCEPTED,
        _("Demande d'acompte acceptée"),
        _("Recevoir un mail lors de l'acceptation d'une demande d'acompte."),
    ),
    (ADVANCE_PAID, _("Demande d'acompte versée"), _("Recevoir un mail lors du versement d'un acompte.")),
    (TARGETING_CLOSED, _("Fermeture d'un ciblage"), _("Recevoir un mail lors de la fermeture d'un ciblage.")),
    (
        CONTRACT_DATE_CHANGED,
        _("Modification d'une date sur un contrat"),
        _("Recevoir un mail lorsqu'une modification sur les dates de mes contrats est effectuée."),
    ),
    (
        PAYSLIP_ADDED,
        _("Nouveau bulletin de salaire"),
        _("Recevoir un mail lors de l'ajout d'un nouveau bulletin de salaire sur mon espace virtuel."),
    ),
    (
        CERTIFICATE_ADDED,
        _("Nouveau certificat de travail"),
        _("Recevoir un mail lors de l'ajout d'un nouveau certificat de travail sur mon espace virtuel."),
    ),
    (
        CONTRACT_ADDED,
        _("Nouveau contrat"),
        _("Recevoir un mail lors de l'ajout d'un nouveau contrat sur mon espace virtuel."),
    ),
    (
        ATTESTATION_ADDED,
        _("Nouvelle attestation ASSEDIC"),
        _("Recevoir un mail lors de l'ajout d'une nouvelle attestation ASSEDIC sur mon espace virtuel."),
    ),
]
DESCRIPTIONS = {key: description for key, _label, description in SWITCHES}

DOCUMENT_EVENTS = {"payslip": PAYSLIP_ADDED, "attestation": ATTESTATION_ADDED, "certificate": CERTIFICATE_ADDED}


def _worker(obj):
    worker = getattr(obj, "worker", obj)
    return [worker.user]


def _worker_address_on_file(obj):
    """The bank-details change goes to the address on file (the account's), not to one just typed."""
    return [obj.worker.user.email] if obj.worker.user.email else []


def _context(obj):
    worker = getattr(obj, "worker", None)
    agency = worker.agency if worker is not None else None
    return {"agency": agency, "worker": worker}


def _contract_staff(contract):
    from accounts.models import Membership

    staff = Membership.objects.active().filter(organisation_id=contract.agency_id, role=Role.AGENCY_STAFF)
    return [m.user for m in staff.select_related("user")]


def _client_users(timesheet):
    """The client company's users: they entered the hours and read the agency's decision."""
    from accounts.models import Membership

    users = Membership.objects.active().filter(
        organisation_id=timesheet.contract.mission.client_id, role=Role.CLIENT_USER
    )
    return [m.user for m in users.select_related("user")]


def _timesheet_context(timesheet):
    return {"agency": timesheet.contract.agency, "worker": timesheet.contract.worker}


def register():
    for key, label, _description in SWITCHES:
        name = key.split(".", 1)[1]
        register_event(
            key,
            label,
            space=Space.INTERIM,
            template=f"interim/emails/{name}",
            recipients=_worker,
            context=_context,
            audience=(Role.TEMP_WORKER,),
        )
    for key, label, recipients in (
        (ADVANCE_REFUSED, _("Demande d'acompte refusée"), _worker),
        (CHANGE_DECIDED, _("Modification de la fiche perso validée ou refusée"), _worker),
        (BANK_CHANGE_REQUESTED, _("Demande de changement de coordonnées bancaires"), _worker_address_on_file),
        (DIPLOMA_DECIDED, _("Diplôme validé ou refusé"), _worker),
        (CONTRACT_SIGNED, _("Contrat signé par l'intérimaire"), _contract_staff),
        (CONTRACT_CANCELLED, _("Contrat annulé par l'agence"), _worker),
    ):
        register_event(
            key,
            label,
            space=Space.INTERIM,
            optional=False,
            template=f"interim/emails/{key.split('.', 1)[1]}",
            recipients=recipients,
            context=_context,
        )
    register_event(
        TIMESHEET_DECIDED,
        _("Feuille d'heures validée ou renvoyée par l'agence"),
        space=Space.INTERIM,
        optional=False,
        template="interim/emails/timesheet_decided",
        recipients=_client_users,
        context=_timesheet_context,
    )
