"""The declared workflows of accounts (see core.workflows): erasure requests."""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from .models import ErasureRequest

PENDING, DONE, REFUSED = ErasureRequest.Status.PENDING, ErasureRequest.Status.DONE, ErasureRequest.Status.REFUSED

ERASURE_REQUEST = Workflow(
    ErasureRequest,
    field="status",
    colours={PENDING: "yellow", DONE: "green", REFUSED: "red"},
    steps=[
        Step("accept", [PENDING], DONE, perm="accounts.process_erasure", label=_("Effacer les données"), confirm=True),
        Step(
            "refuse",
            [PENDING],
            REFUSED,
            perm="accounts.process_erasure",
            reason=True,
            label=_("Refuser la demande"),
            confirm=True,
            style="danger",
        ),
    ],
)
