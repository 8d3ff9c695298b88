"""Every declared workflow step keeps the contract of core.workflows.

For each step of each workflow (cases from tests/<app>/workflow_cases.py):
- from a source state it writes the target (or deletes the object with its history), the decision
  stamp, exactly one history row naming the step, and the notification of its event (outbox rows
  written in the same transaction);
- from a state that is not a source it refuses with TransitionNotAllowed and writes nothing;
- outside the actor's scope (another tenant) the object is not found (ObjectGone: views answer 404);
- a reason is required when the step says so;
- the row is locked (SELECT ... FOR UPDATE on PostgreSQL).
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import tests
from core.history import TransitionNotAllowed
from core.models import Decided, OutboundMessage, Transition
from core.notifications import events
from core.workflows import DELETE, ObjectGone, ReasonRequired, workflows

pytestmark = pytest.mark.django_db


def _cases():
    cases = {}
    root = Path(tests.__file__).parent
    for info in pkgutil.iter_modules([str(root)]):
        if (root / info.name / "workflow_cases.py").exists():
            module = importlib.import_module(f"tests.{info.name}.workflow_cases")
            cases.update(module.CASES)
    return cases


CASES = _cases()


def _steps():
    params = []
    for workflow in workflows():
        for step in workflow.steps:
            params.append(pytest.param(workflow, step, id=f"{workflow.model.__name__}.{step.name}"))
    return params


def test_workflows_are_declared_and_each_has_a_case():
    declared = workflows()
    assert declared, "no workflow declared: every stateful model of a space declares one"
    missing = [w.model.__name__ for w in declared if w.model not in CASES]
    assert not missing, f"workflows without a case in tests/<app>/workflow_cases.py: {missing}"


def test_every_event_a_step_emits_is_declared_with_templates_and_recipients():
    declared = {event.key: event for event in events()}
    for workflow in workflows():
        for step in workflow.steps:
            if step.event:
                assert step.event in declared, f"{workflow.model.__name__}.{step.name}: event {step.event} not declared"
                event = declared[step.event]
                assert event.template and event.recipients, f"event {step.event}: template and recipients"


def _history(obj):
    return Transition.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)


@pytest.mark.parametrize(("workflow", "step"), _steps())
def test_step_keeps_the_contract(workflow, step):
    make = CASES[workflow.model]
    source = step.sources[0]
    case = make(source)
    obj = case.obj
    before_history = _history(obj).count()
    before_messages = OutboundMessage.objects.count()
    actor = None if step.timed else case.actor
    reason = "Motif de test" if step.reason else ""

    if step.reason:
        with pytest.raises(ReasonRequired):
            workflow.run(step.name, obj.pk, actor=actor, scope=case.scope, reason="", updates=case.updates)
        assert _history(obj).count() == before_history

    with pytest.raises(ObjectGone):
        workflow.run(step.name, obj.pk, actor=actor, scope=case.foreign_scope, reason=reason, updates=case.updates)

    with CaptureQueriesContext(connection) as queries:
        result = workflow.run(step.name, obj.pk, actor=actor, scope=case.scope, reason=reason, updates=case.updates)
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries), "the row is locked"

    if step.target == DELETE:
        assert not workflow.model._default_manager.filter(pk=obj.pk).exists()
        assert _history(obj).count() == 0, "history goes with its object"
    else:
        result.refresh_from_db()
        assert workflow.state_of(result) == step.target
        entries = list(_history(obj).order_by("-pk"))
        assert len(entries) == before_history + 1, "exactly one history row"
        assert entries[0].action == step.name
        assert entries[0].to_state == step.target and entries[0].from_state == source
        if step.stamp and isinstance(result, Decided):
            assert result.decided_at is not None
            assert result.decided_by_id == (actor.pk if actor is not None else None)
            assert result.decision_reason == reason
    if step.event:
        assert OutboundMessage.objects.count() > before_messages, f"{step.event} told nobody"
        assert OutboundMessage.objects.filter(event=step.event).exists()
    else:
        assert OutboundMessage.objects.count() == before_messages


@pytest.mark.parametrize(("workflow", "step"), _steps())
def test_step_refuses_a_wrong_state(workflow, step):
    wrong = [state for state in workflow.states if state not in step.sources]
    if not wrong:
        pytest.skip("every state is a source of this step")
    case = CASES[workflow.model](wrong[0])
    before = _history(case.obj).count()
    actor = None if step.timed else case.actor
    with pytest.raises(TransitionNotAllowed):
        workflow.run(step.name, case.obj.pk, actor=actor, scope=case.scope, reason="Motif", updates=case.updates)
    assert _history(case.obj).count() == before
    case.obj.refresh_from_db()
    assert workflow.state_of(case.obj) == wrong[0]
