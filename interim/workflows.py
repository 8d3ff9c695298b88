"""The declared workflows of the Espace intérimaire (see core.workflows): every decision is a step."""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from . import notifications as events
from .enums import (
    AdvanceState,
    BatchItemState,
    BatchState,
    ChangeState,
    ContractState,
    DiplomaState,
    DocumentRequestState,
    OfferState,
    SlotState,
    TargetingState,
    TimesheetState,
)
from .models import (
    Advance,
    Contract,
    Diploma,
    DocumentBatch,
    DocumentBatchItem,
    DocumentRequest,
    PlanningSlot,
    ProfileChange,
    Targeting,
    TargetingOffer,
    Timesheet,
)
from .signature import audit_expired

PENDING_CHANGE = [ChangeState.PENDING]

PROFILE_CHANGE = Workflow(
    ProfileChange,
    colours={
        ChangeState.PENDING: "orange",
        ChangeState.ACCEPTED: "green",
        ChangeState.REFUSED: "red",
        ChangeState.CANCELLED: "grey",
    },
    steps=[
        Step(
            "accept",
            PENDING_CHANGE,
            ChangeState.ACCEPTED,
            perm="interim.validate_worker",
            event=events.CHANGE_DECIDED,
            label=_("Valider"),
        ),
        Step(
            "refuse",
            PENDING_CHANGE,
            ChangeState.REFUSED,
            perm="interim.validate_worker",
            reason=True,
            event=events.CHANGE_DECIDED,
            label=_("Refuser"),
            style="danger",
        ),
        Step(
            "cancel",
            PENDING_CHANGE,
            ChangeState.CANCELLED,
            perm="interim.edit_own_file",
            stamp=False,
            label=_("Annuler ma modification"),
            style="secondary",
        ),
    ],
)

DIPLOMA = Workflow(
    Diploma,
    colours={DiplomaState.PENDING: "orange", DiplomaState.VALIDATED: "green", DiplomaState.REFUSED: "red"},
    steps=[
        Step(
            "validate",
            [DiplomaState.PENDING],
            DiplomaState.VALIDATED,
            perm="interim.validate_worker",
            event=events.DIPLOMA_DECIDED,
            label=_("Valider"),
        ),
        Step(
            "refuse",
            [DiplomaState.PENDING],
            DiplomaState.REFUSED,
            perm="interim.validate_worker",
            reason=True,
            event=events.DIPLOMA_DECIDED,
            label=_("Refuser"),
            style="danger",
        ),
    ],
)

CONTRACT = Workflow(
    Contract,
    colours={
        ContractState.SIGNED: "green",
        ContractState.AWAITING: "orange",
        ContractState.TO_SIGN: "red",
        ContractState.CANCELLED: "grey",
        ContractState.EXPIRED: "grey",
    },
    steps=[
        Step(
            "send",
            [ContractState.AWAITING, ContractState.EXPIRED],
            ContractState.TO_SIGN,
            perm="interim.manage_contracts",
            event=events.CONTRACT_ADDED,
            stamp=False,
            label=_("Envoyer pour signature"),
        ),
        # Run by services.contract_sign only, after the SMS code was checked (never a bare button).
        Step(
            "sign",
            [ContractState.TO_SIGN],
            ContractState.SIGNED,
            perm="interim.sign_contract",
            event=events.CONTRACT_SIGNED,
            stamps=("signed_at",),
            label=_("Signer"),
        ),
        # Run by missions.contract_dates_change: a signed contract whose dates change is signed again
        # (an amendment); the worker is told ("Modification d'une date sur un contrat").
        Step(
            "amend",
            [ContractState.SIGNED],
            ContractState.TO_SIGN,
            perm="interim.manage_contracts",
            event=events.CONTRACT_DATE_CHANGED,
            stamp=False,
            label=_("Modifier les dates (avenant)"),
        ),
        # The signing deadline (`sign_before`) passed: run by the job expire_unsigned_contracts.
        Step("expire", [ContractState.TO_SIGN], ContractState.EXPIRED, timed=True, stamp=False),
        Step(
            "cancel",
            [ContractState.AWAITING, ContractState.TO_SIGN, ContractState.EXPIRED],
            ContractState.CANCELLED,
            perm="interim.manage_contracts",
            event=events.CONTRACT_CANCELLED,
            reason=True,
            label=_("Annuler le contrat"),
            style="danger",
            confirm=True,
        ),
    ],
    # The trail of each contract says when its signing deadline passed (one insert for the batch).
    after_batch={"expire": audit_expired},
)

ADVANCE = Workflow(
    Advance,
    colours={
        AdvanceState.PENDING: "yellow",
        AdvanceState.ACCEPTED: "blue",
        AdvanceState.REFUSED: "red",
        AdvanceState.PAID: "green",
        AdvanceState.CANCELLED: "grey",
    },
    steps=[
        Step(
            "accept",
            [AdvanceState.PENDING],
            AdvanceState.ACCEPTED,
            perm="interim.process_advance",
            event=events.ADVANCE_ACCEPTED,
            label=_("Accepter"),
        ),
        Step(
            "refuse",
            [AdvanceState.PENDING],
            AdvanceState.REFUSED,
            perm="interim.process_advance",
            reason=True,
            event=events.ADVANCE_REFUSED,
            label=_("Refuser"),
            style="danger",
        ),
        Step(
            "pay",
            [AdvanceState.ACCEPTED],
            AdvanceState.PAID,
            perm="interim.process_advance",
            event=events.ADVANCE_PAID,
            stamps=("paid_at",),
            stamp=False,
            label=_("Marquer versé"),
        ),
        Step(
            "cancel",
            [AdvanceState.PENDING],
            AdvanceState.CANCELLED,
            perm="interim.change_own_advance",
            stamp=False,
            label=_("Annuler la demande"),
            style="secondary",
            confirm=True,
        ),
    ],
)

SLOT = Workflow(
    PlanningSlot,
    colours={SlotState.PENDING: "grey", SlotState.VALIDATED: "blue"},
    steps=[
        Step("validate", [SlotState.PENDING], SlotState.VALIDATED, perm="interim.manage_contracts", label=_("Valider")),
    ],
)

DOCUMENT_REQUEST = Workflow(
    DocumentRequest,
    colours={
        DocumentRequestState.PENDING: "orange",
        DocumentRequestState.DONE: "green",
        DocumentRequestState.REFUSED: "red",
    },
    steps=[
        Step(
            "done",
            [DocumentRequestState.PENDING],
            DocumentRequestState.DONE,
            perm="interim.process_document_requests",
            label=_("Document déposé"),
        ),
        Step(
            "refuse",
            [DocumentRequestState.PENDING],
            DocumentRequestState.REFUSED,
            perm="interim.process_document_requests",
            reason=True,
            label=_("Refuser"),
            style="danger",
        ),
    ],
)

# --- Targeting (ciblage): interim/missions.py ----------------------------------------------------

TARGETING = Workflow(
    Targeting,
    colours={TargetingState.OPEN: "blue", TargetingState.CLOSED: "grey"},
    steps=[
        # Run by missions.targeting_close, which also closes the offers not assigned (each one told).
        Step(
            "close",
            [TargetingState.OPEN],
            TargetingState.CLOSED,
            perm="interim.manage_contracts",
            stamps=("closed_at",),
            label=_("Fermer le ciblage"),
            confirm=True,
        ),
    ],
)

OFFER = Workflow(
    TargetingOffer,
    colours={
        OfferState.OFFERED: "yellow",
        OfferState.INTERESTED: "blue",
        OfferState.DECLINED: "grey",
        OfferState.ASSIGNED: "green",
        OfferState.CLOSED: "grey",
    },
    steps=[
        Step(
            "interest",
            [OfferState.OFFERED, OfferState.DECLINED],
            OfferState.INTERESTED,
            perm="interim.use_worker_space",
            stamp=False,
            stamps=("answered_at",),
            label=_("Je suis intéressé(e)"),
        ),
        Step(
            "decline",
            [OfferState.OFFERED, OfferState.INTERESTED],
            OfferState.DECLINED,
            perm="interim.use_worker_space",
            stamp=False,
            stamps=("answered_at",),
            label=_("Pas intéressé(e)"),
            style="secondary",
        ),
        # Run by missions.offer_assign, which makes the contract.
        Step(
            "assign",
            [OfferState.INTERESTED],
            OfferState.ASSIGNED,
            perm="interim.manage_contracts",
            label=_("Attribuer la mission"),
        ),
        Step(
            "close",
            [OfferState.OFFERED, OfferState.INTERESTED, OfferState.DECLINED],
            OfferState.CLOSED,
            perm="interim.manage_contracts",
            event=events.TARGETING_CLOSED,
            label=_("Fermer"),
        ),
    ],
)

# --- Documents in bulk: interim/batches.py -------------------------------------------------------

DOCUMENT_BATCH = Workflow(
    DocumentBatch,
    colours={
        BatchState.ANALYSING: "blue",
        BatchState.READY: "yellow",
        BatchState.PUBLISHING: "blue",
        BatchState.PUBLISHED: "green",
        BatchState.FAILED: "red",
        BatchState.CANCELLED: "grey",
    },
    steps=[
        Step("analysed", [BatchState.ANALYSING], BatchState.READY, timed=True, stamp=False),
        Step("analysis_failed", [BatchState.ANALYSING], BatchState.FAILED, timed=True, stamp=False),
        Step(
            "publish",
            [BatchState.READY],
            BatchState.PUBLISHING,
            perm="interim.publish_documents",
            label=_("Publier les documents reconnus"),
            confirm=True,
        ),
        Step(
            "published",
            [BatchState.PUBLISHING],
            BatchState.PUBLISHED,
            timed=True,
            stamp=False,
            stamps=("published_at",),
        ),
        Step("publish_failed", [BatchState.PUBLISHING], BatchState.READY, timed=True, stamp=False),
        Step(
            "cancel",
            [BatchState.READY, BatchState.FAILED],
            BatchState.CANCELLED,
            perm="interim.publish_documents",
            label=_("Abandonner ce dépôt"),
            style="secondary",
            confirm=True,
        ),
    ],
)

BATCH_ITEM = Workflow(
    DocumentBatchItem,
    colours={
        BatchItemState.MATCHED: "blue",
        BatchItemState.UNMATCHED: "red",
        BatchItemState.EXCLUDED: "grey",
        BatchItemState.PUBLISHED: "green",
        BatchItemState.WITHDRAWN: "grey",
    },
    steps=[
        Step(
            "exclude",
            [BatchItemState.MATCHED],
            BatchItemState.EXCLUDED,
            perm="interim.publish_documents",
            label=_("Écarter"),
            style="secondary",
        ),
        Step(
            "include",
            [BatchItemState.EXCLUDED],
            BatchItemState.MATCHED,
            perm="interim.publish_documents",
            label=_("Reprendre"),
            style="secondary",
        ),
        # Run by batches.item_withdraw, which removes the published document from the worker's space.
        Step(
            "withdraw",
            [BatchItemState.PUBLISHED],
            BatchItemState.WITHDRAWN,
            perm="interim.publish_documents",
            label=_("Retirer"),
            style="danger",
            confirm=True,
        ),
    ],
)

# Client timesheets: the client saves drafts and submits; the agency validates (the hours become the
# planning's validated slots: interim/timesheets.py) or sends them back with a reason.
TIMESHEET = Workflow(
    Timesheet,
    colours={
        TimesheetState.DRAFT: "grey",
        TimesheetState.SUBMITTED: "orange",
        TimesheetState.VALIDATED: "green",
        TimesheetState.RETURNED: "red",
    },
    steps=[
        Step(
            "submit",
            [TimesheetState.DRAFT, TimesheetState.RETURNED],
            TimesheetState.SUBMITTED,
            perm="interim.enter_timesheet",
            stamp=False,
            stamps=("submitted_at",),
            label=_("Transmettre à l'agence"),
        ),
        Step(
            "validate",
            [TimesheetState.SUBMITTED],
            TimesheetState.VALIDATED,
            perm="interim.validate_timesheet",
            event=events.TIMESHEET_DECIDED,
            label=_("Valider les heures"),
        ),
        Step(
            "return",
            [TimesheetState.SUBMITTED],
            TimesheetState.RETURNED,
            perm="interim.validate_timesheet",
            reason=True,
            event=events.TIMESHEET_DECIDED,
            label=_("Renvoyer au client"),
            style="danger",
        ),
    ],
)
