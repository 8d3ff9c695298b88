"""The partners space's cases for the workflow contract test (see tests/utils/workflows.py)."""

from partners import selectors
from partners.models import ContactMessage
from tests.utils.workflows import Case

from .factories import ContactMessageFactory, fund_admin


def contact_message(state):
    admin = fund_admin()
    other = fund_admin()
    message = ContactMessageFactory(state=state, fund=admin.organisation)
    return Case(
        obj=message,
        actor=admin.user,
        scope=selectors.contact_messages_for(admin),
        foreign_scope=selectors.contact_messages_for(other),
    )


CASES = {ContactMessage: contact_message}
