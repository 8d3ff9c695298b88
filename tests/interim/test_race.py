"""Two "Signer" on one contract at once (two tabs, a double click that got through): it is signed once.

Each runs in its own thread and database connection (tests/utils/race.py); the first keeps the row
lock while the second starts, which then finds the contract signed and is refused.
"""

import re

import pytest
from django.db import connection

from core.history import TransitionNotAllowed
from core.models import OutboundMessage
from interim import selectors, signature
from interim.enums import ContractState
from interim.models import Contract, ContractAuditEntry
from tests.utils.race import race

from .factories import ContractFactory, WorkerFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (SELECT … FOR UPDATE) exist on PostgreSQL only; SQLite serialises whole write "
        "transactions, so two signatures cannot race there.",
    ),
]


def test_two_signatures_at_once_sign_once():
    worker = WorkerFactory()
    contract = ContractFactory(worker=worker)
    scope = selectors.contracts_for(worker.membership)
    signature.code_send(contract_id=contract.pk, scope=scope, user=worker.user)
    body = OutboundMessage.objects.get(event="interim.signature_code").body
    code = re.search(r"\b(\d{6})\b", body).group(1)

    def sign():
        signature.contract_sign(
            contract_id=contract.pk,
            scope=selectors.contracts_for(worker.membership),
            user=worker.user,
            code=code,
            consent="ok",
        )

    results = race(sign, sign)
    assert results["first"] == "won"
    assert isinstance(results["second"], TransitionNotAllowed), results["second"]
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.state == ContractState.SIGNED
    assert ContractAuditEntry.objects.filter(contract=contract, event="signed").count() == 1
    assert ContractAuditEntry.objects.filter(contract=contract, event="sealed").count() == 1
    assert signature.audit_problems(contract) == []
