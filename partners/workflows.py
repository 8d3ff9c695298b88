"""The declared workflows of the partners space (see core.workflows).

A pre-registration or a new convention waits for the fund (or, for a fund without an administrator,
the national admins), who validate it or invalidate it with a reason; the partner may withdraw a
convention while it waits. Validating a pre-registration also creates the partner, its convention
and its administrator's account: services.preregistration_validate runs the step, then does that, in
one transaction.
"""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from . import notifications
from .enums import ContactState, ConventionState, PreRegistrationState
from .models import ContactMessage, Convention, PreRegistration

PROCESS = "partners.process_registrations"

PREREGISTRATION = Workflow(
    PreRegistration,
    colours={
        PreRegistrationState.PENDING: "orange",
        PreRegistrationState.VALIDATED: "green",
        PreRegistrationState.INVALIDATED: "red",
    },
    steps=[
        Step(
            "validate",
            [PreRegistrationState.PENDING],
            PreRegistrationState.VALIDATED,
            perm=PROCESS,
            event=notifications.PREREGISTRATION_VALIDATED,
            label=_("Valider"),
            confirm=True,
        ),
        Step(
            "invalidate",
            [PreRegistrationState.PENDING],
            PreRegistrationState.INVALIDATED,
            perm=PROCESS,
            reason=True,
            event=notifications.PREREGISTRATION_INVALIDATED,
            label=_("Invalider"),
            confirm=True,
            style="danger",
        ),
    ],
)

CONVENTION = Workflow(
    Convention,
    colours={
        ConventionState.AWAITING: "orange",
        ConventionState.VALIDATED: "green",
        ConventionState.INVALIDATED: "red",
        ConventionState.WITHDRAWN: "grey",
    },
    steps=[
        Step(
            "validate",
            [ConventionState.AWAITING],
            ConventionState.VALIDATED,
            perm=PROCESS,
            event=notifications.CONVENTION_VALIDATED,
            label=_("Valider"),
            confirm=True,
        ),
        Step(
            "invalidate",
            [ConventionState.AWAITING],
            ConventionState.INVALIDATED,
            perm=PROCESS,
            reason=True,
            event=notifications.CONVENTION_INVALIDATED,
            label=_("Invalider"),
            confirm=True,
            style="danger",
        ),
        Step(
            "withdraw",
            [ConventionState.AWAITING],
            ConventionState.WITHDRAWN,
            perm="partners.manage_partner",
            event=notifications.CONVENTION_WITHDRAWN,
            stamp=False,  # not a decision of the fund
            label=_("Retirer"),
            confirm=True,
            style="secondary",
        ),
    ],
)

CONTACT_MESSAGE = Workflow(
    ContactMessage,
    colours={ContactState.OPEN: "yellow", ContactState.CLOSED: "green"},
    steps=[
        Step(
            "close", [ContactState.OPEN], ContactState.CLOSED, perm="partners.view_contact_messages", label=_("Clore")
        ),
    ],
)
