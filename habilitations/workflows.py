"""The declared workflows of the Espace Organismes (see core.workflows).

Deciding an access request also writes the right it gives (a Right and its django-guardian grant),
and revoking a right removes the grant and the application's tokens: these follow-ups run inside the
step's transaction, for a person's decision as for the timed tacit acceptance (run in batches by
core.workflows' run_due, whose `after_batch` writes a batch's rights and grants in bulk).
"""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from .enums import (
    ACCESS_REQUEST_COLOURS,
    ACCOUNT_REQUEST_COLOURS,
    RIGHT_COLOURS,
    AccessRequestState,
    AccountRequestState,
    RightState,
)
from .models import AccessRequest, AccountRequest, Right
from .notifications import (
    ACCESS_GRANTED,
    ACCESS_REFUSED,
    ACCOUNT_ACCEPTED,
    ACCOUNT_REFUSED,
    RIGHT_REVOKED,
)


def _grant_right(access_request, *, actor, now=None):
    from .services import right_from_request

    right_from_request(access_request=access_request, actor=actor, now=now)


def _grant_rights(access_requests, *, now):
    from .services import rights_from_requests

    rights_from_requests(access_requests=access_requests, now=now)


def _withdraw_right(right, *, actor, now=None):
    from .services import right_withdrawn

    right_withdrawn(right=right)


ACCOUNT_REQUEST = Workflow(
    AccountRequest,
    colours=ACCOUNT_REQUEST_COLOURS,
    steps=[
        Step(
            "accept",
            [AccountRequestState.PENDING],
            AccountRequestState.ACCEPTED,
            perm="habilitations.decide_account_request",
            event=ACCOUNT_ACCEPTED,
            label=_("Accepter"),
        ),
        Step(
            "refuse",
            [AccountRequestState.PENDING],
            AccountRequestState.REFUSED,
            perm="habilitations.decide_account_request",
            reason=True,
            event=ACCOUNT_REFUSED,
            label=_("Refuser"),
            style="danger",
        ),
    ],
)

ACCESS_REQUEST = Workflow(
    AccessRequest,
    colours=ACCESS_REQUEST_COLOURS,
    steps=[
        Step(
            "grant",
            [AccessRequestState.PENDING],
            AccessRequestState.GRANTED,
            perm="habilitations.decide_access_request",
            event=ACCESS_GRANTED,
            label=_("Accorder"),
        ),
        Step(
            "refuse",
            [AccessRequestState.PENDING],
            AccessRequestState.REFUSED,
            perm="habilitations.decide_access_request",
            reason=True,
            event=ACCESS_REFUSED,
            label=_("Refuser"),
            style="danger",
        ),
        Step(
            "cancel",
            [AccessRequestState.PENDING],
            AccessRequestState.CANCELLED,
            # No rule: the requester's own requests are the scope (services.access_request_cancel).
            stamp=False,
            label=_("Annuler ma demande"),
            style="secondary",
            confirm=True,
        ),
        Step(
            "accept_tacitly",
            [AccessRequestState.PENDING],
            AccessRequestState.TACIT,
            timed=True,
            event=ACCESS_GRANTED,
        ),
    ],
    after={"grant": _grant_right, "accept_tacitly": _grant_right},
    after_batch={"accept_tacitly": _grant_rights},
)

RIGHT = Workflow(
    Right,
    colours=RIGHT_COLOURS,
    steps=[
        Step(
            "revoke",
            [RightState.ACTIVE],
            RightState.REVOKED,
            perm="habilitations.revoke_right",
            reason=True,
            event=RIGHT_REVOKED,
            label=_("Retirer l’habilitation"),
            style="danger",
            confirm=True,
        ),
    ],
    after={"revoke": _withdraw_right},
)
