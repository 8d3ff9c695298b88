"""The declared workflow of an evaluation (core.workflows).

    ordered --accept_assign--> assigned --start--> in_progress --transmit--> transmitted
    transmitted --accept--> accepted --pay--> paid          (the fund; "pay" when a slip is issued)
    transmitted --send_back (comment)--> returned --transmit--> transmitted
    ordered/assigned/in_progress/returned --cancel (reason)--> cancelled     (the fund)

The structure acts with "partners.handle_evaluation", the fund with "partners.decide_evaluation".
"start" is run by the service that saves the first draft; "pay" by the one that issues a slip.
"""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from . import notifications
from .enums import EvaluationState as S
from .models import Evaluation

HANDLE = "partners.handle_evaluation"
DECIDE = "partners.decide_evaluation"

EVALUATION = Workflow(
    Evaluation,
    colours={
        S.ORDERED: "yellow",
        S.ASSIGNED: "orange",
        S.IN_PROGRESS: "orange",
        S.TRANSMITTED: "blue",
        S.RETURNED: "red",
        S.ACCEPTED: "green",
        S.PAID: "green",
        S.CANCELLED: "grey",
    },
    steps=[
        Step("accept_assign", [S.ORDERED], S.ASSIGNED, perm=HANDLE, stamp=False, stamps=("assigned_at",)),
        Step("start", [S.ASSIGNED], S.IN_PROGRESS, perm=HANDLE, stamp=False, label=_("Commencer")),
        Step(
            "transmit",
            [S.IN_PROGRESS, S.RETURNED],
            S.TRANSMITTED,
            perm=HANDLE,
            stamp=False,
            stamps=("transmitted_at",),
            label=_("Transmettre"),
        ),
        Step("accept", [S.TRANSMITTED], S.ACCEPTED, perm=DECIDE, label=_("Accepter l'évaluation"), confirm=True),
        Step(
            "send_back",
            [S.TRANSMITTED],
            S.RETURNED,
            perm=DECIDE,
            reason=True,
            event=notifications.EVALUATION_RETURNED,
            label=_("Renvoyer à la structure"),
            style="secondary",
        ),
        Step("pay", [S.ACCEPTED], S.PAID, perm=DECIDE, stamp=False, stamps=("paid_at", "closed_at")),
        Step(
            "cancel",
            [S.ORDERED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED],
            S.CANCELLED,
            perm=DECIDE,
            reason=True,
            event=notifications.ORDER_CANCELLED,
            stamps=("closed_at",),
            label=_("Annuler la commande"),
            confirm=True,
            style="danger",
        ),
    ],
)
