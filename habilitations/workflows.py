"""The declared workflows of the Espace Organismes (see core.workflows).

Deciding an access request also writes the right it gives (a Right and its django-guardian grant),
and revoking a right removes the grant and the application's tokens: these follow-ups run inside the
step's transaction, for a person's decision as for the timed tacit acceptance (run in batches by
core.workflows' run_due), through the `after` hooks of this module's workflows.
"""

from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class HookedWorkflow(Workflow):
    """A workflow whose steps may have a follow-up `after[step](obj, actor)`, run in the step's transaction."""

    after: dict[str, Any] = field(default_factory=dict)

    def _apply(self, step, obj, *, actor, reason, updates, context, now):
        obj = super()._apply(step, obj, actor=actor, reason=reason, updates=updates, context=context, now=now)
        hook = self.after.get(step.name)
        if hook is not None:
            hook(obj, actor=actor, now=now)
        return obj


def _grant_right(access_request, *, actor, now=None):
    from .services import right_from_request

    right_from_request(access_request=access_request, actor=actor, now=now)


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

ACCESS_REQUEST = HookedWorkflow(
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
)

RIGHT = HookedWorkflow(
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
