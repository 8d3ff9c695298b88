"""How a space lets the workflow contract test (tests/core/test_workflow_contract.py) run its steps;
spaces import `Case` from here.

Each space with declared workflows has `tests/<app>/workflow_cases.py` defining

    CASES = {
        BenefitRequest: make_request_case,   # one function per workflow's model
    }

where `make_case(state)` builds (in the test database) an object in `state` and returns a `Case`.
The contract test imports every `tests/*/workflow_cases.py` and fails for a declared workflow
without a case, so a new space cannot forget it.
"""

from dataclasses import dataclass
from typing import Any


@dataclass
class Case:
    obj: Any  # the object, saved, in the requested state
    actor: Any  # a user allowed to run the steps (None: only system steps are run)
    scope: Any  # the actor's scoped queryset of the model
    foreign_scope: Any  # a queryset of another tenant, which must not contain obj
    updates: dict | None = None  # extra field values a step needs (e.g. an amount)
