"""The declared workflows of the partners space (see core.workflows)."""

from django.utils.translation import gettext_lazy as _

from core.workflows import Step, Workflow

from .enums import ContactState
from .models import ContactMessage

CONTACT_MESSAGE = Workflow(
    ContactMessage,
    colours={ContactState.OPEN: "yellow", ContactState.CLOSED: "green"},
    steps=[
        Step(
            "close", [ContactState.OPEN], ContactState.CLOSED, perm="partners.view_contact_messages", label=_("Clore")
        ),
    ],
)
