"""The declared workflows of the Prestations space (see core.workflows): states, colours, steps.

A benefit request:

    awaiting ──approve──> entered ──take──> processing ──pay──> paid
       │  └──reject──> refused     └──refuse──> refused ──┘ (refuse from entered or processing)
       ├──remind_purge (timed, 3 days before) ──> awaiting
       └──purge (timed, after 14 days) ──> deleted with its history and scans
    withdraw: awaiting, entered or processing ──> withdrawn

A family document: pending ──validate──> validated (a RIB's IBAN then becomes the family's),
pending ──reject (with a reason)──> rejected.
"""

from django.utils.translation import gettext_lazy as _

from core.history import register_action
from core.workflows import DELETE, Step, Workflow

from . import notifications as events
from .enums import DocumentStatus, RequestState
from .models import BenefitRequest, FamilyDocument

AWAITING, ENTERED, PROCESSING = RequestState.AWAITING, RequestState.ENTERED, RequestState.PROCESSING
PAID, REFUSED, WITHDRAWN = RequestState.PAID, RequestState.REFUSED, RequestState.WITHDRAWN
PROCESS = "benefits.process_requests"

REQUEST = Workflow(
    BenefitRequest,
    field="state",
    # The manual's colours: grey entered, yellow processing, blue paid, red refused. A withdrawn request
    # is ended by its requester, not refused: neutral grey, so that it does not look like a refusal.
    colours={AWAITING: "grey", ENTERED: "grey", PROCESSING: "yellow", PAID: "blue", REFUSED: "red", WITHDRAWN: "grey"},
    # The badge's short text (the page says the rest): fits a phone's width.
    labels={AWAITING: _("En attente d'accord")},
    steps=[
        Step("approve", [AWAITING], ENTERED, perm="benefits.approve_request", stamps=("approved_at",),
             label=_("Donner l'accord")),
        Step("reject", [AWAITING], REFUSED, perm="benefits.approve_request", reason=True,
             event=events.EVENT_REFUSED, label=_("Rejeter la demande"), confirm=True, style="danger"),
        Step("take", [ENTERED], PROCESSING, perm=PROCESS, label=_("Prendre en charge")),
        Step("pay", [PROCESSING], PAID, perm=PROCESS, event=events.EVENT_PAID, label=_("Payer"), confirm=True),
        Step("refuse", [ENTERED, PROCESSING], REFUSED, perm=PROCESS, reason=True, event=events.EVENT_REFUSED,
             label=_("Refuser la demande"), confirm=True, style="danger"),
        Step("withdraw", [AWAITING, ENTERED, PROCESSING], WITHDRAWN, perm="benefits.withdraw_request", stamp=False,
             label=_("Retirer la demande"), confirm=True, style="secondary"),
        Step("remind_purge", [AWAITING], AWAITING, timed=True, stamp=False, stamps=("purge_reminded_at",),
             event=events.EVENT_PURGE_SOON, label=_("Rappel avant suppression")),
        Step("purge", [AWAITING], DELETE, timed=True, event=events.EVENT_PURGED, label=_("Suppression sans accord")),
    ],
)  # fmt: skip

FAMILY_DOCUMENT = Workflow(
    FamilyDocument,
    field="status",
    colours={DocumentStatus.PENDING: "grey", DocumentStatus.VALIDATED: "green", DocumentStatus.REJECTED: "red"},
    steps=[
        Step("validate", [DocumentStatus.PENDING], DocumentStatus.VALIDATED, perm="benefits.review_family_document",
             event=events.EVENT_DOCUMENT_VALIDATED, label=_("Valider le document")),
        Step("reject", [DocumentStatus.PENDING], DocumentStatus.REJECTED, perm="benefits.review_family_document",
             reason=True, event=events.EVENT_DOCUMENT_REJECTED, label=_("Refuser le document"), style="danger"),
    ],
)  # fmt: skip

# History entries that are not a change of state, shown by their label (not "Saisie → Saisie").
register_action("request_created", _("Demande saisie"))
register_action("request_edited", _("Demande modifiée"))
register_action("documents_added", _("Pièces ajoutées"))
register_action("amount_set", _("Montant fixé"))
register_action("bank_details_applied", _("Coordonnées bancaires changées"))
