"""Declared workflows: the states of a model and the steps between them, declared once, run one way.

A space declares one workflow per stateful model, in its `workflows.py`:

    ADVANCE = Workflow(
        Advance,
        field="state",
        colours={Advance.State.PENDING: "yellow", Advance.State.PAID: "green", Advance.State.REFUSED: "red"},
        steps=[
            Step("accept", [PENDING], ACCEPTED, perm="interim.process_advance", event="interim.advance_accepted"),
            Step("refuse", [PENDING], REFUSED, perm="interim.process_advance", reason=True,
                 event="interim.advance_refused", label=_("Refuser"), confirm=True),
            Step("pay", [ACCEPTED], PAID, perm="interim.process_advance", stamps=("paid_at",)),
            Step("cancel", [PENDING], CANCELLED, perm="interim.cancel_advance", stamp=False),
            Step("expire", [PENDING], EXPIRED, timed=True),             # run by a job, no actor
            Step("purge", [ENTERED], DELETE, timed=True, event="..."),  # deletes the row and its history
        ],
    )

Running a step (`ADVANCE.run("refuse", obj_or_pk, actor=user, scope=selectors.advances_for(user), reason=...)`):
1. locks the row inside the actor's scope (`select_for_update(of=("self",))`): an object outside the
   scope, or gone since the page was shown, raises `ObjectGone` (a ValidationError with a French
   message; views fetch the object with get_object_or_404 first, so a foreign id is a 404 there);
2. checks the actor's permission (`actor.has_perm(step.perm, obj)`; PermissionDenied) unless the
   step is run by the system (actor None, timed steps);
3. checks the current state is a source of the step: else `TransitionNotAllowed`, the same clear
   French refusal everywhere ("Rechargez la page"), which is also what the loser of a race gets;
4. requires a reason when the step says so (`ReasonRequired`, on the field "reason");
5. writes the target state, the decision stamp (`decided_by`, `decided_at`, `decision_reason`, for
   models that inherit `core.models.Decided`), the step's own `stamps` (set to now) and `updates`;
6. writes one history row (core.history) naming the step;
7. emits the step's event (core.notifications.emit): its outbox rows are written in the same
   transaction and delivered by Celery once it commits.

A step may have a follow-up run in its transaction, after the state is written and before the event
(the right an accepted request gives): `after={"grant": fn}` with `fn(obj, actor=..., now=...)`.

A timed step runs in batches: `WORKFLOW.run_due("expire", queryset_of_due)` locks up to
`batch_size` rows with `SKIP LOCKED`, one transaction per batch (`run_in_batches`, which a job that
is no step uses too), so that two workers share the work and a killed run loses at most its open
batch. A batch is written in bulk, not row by row: one UPDATE for the state and stamps, one insert
for the history, the follow-up `after_batch[step](objs, now=...)` (else `after[step]` per object),
the events' messages inserted together with one delivery task per batch (core.notifications.batched;
recipients found for the whole batch when the event declares `recipients_many`); a deleting step
deletes the batch with the model's `delete_many(objs)` classmethod when it has one. Give `due` the
`select_related` its events read; `group_by` makes a batch hold whole groups (a person's requests).

Templates and rules ask what an object allows: `WORKFLOW.allowed(obj, user)` (steps whose source
state matches and whose permission the user has), `WORKFLOW.can(obj, user, "pay")`, and the
`{% steps_allowed obj as steps %}` / `{% state_badge obj %}` tags of `core_workflows`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import history, jobs
from .history import TransitionNotAllowed

logger = logging.getLogger("core.workflows")

DELETE = "__delete__"
"""The target of a step that deletes its object (with its history): the 14-day purge."""

_REGISTRY: dict[type[models.Model], Workflow] = {}


class ObjectGone(ValidationError):
    """The object is no longer there (deleted meanwhile, or outside the actor's scope)."""

    def __init__(self, model=None):
        name = model._meta.verbose_name if model is not None else _("élément")
        super().__init__(
            _("Cet élément (%(name)s) n’existe plus ou ne vous est plus accessible. Rechargez la page."),
            code="object_gone",
            params={"name": name},
        )


_GONE: dict[type[models.Model], type[ObjectGone]] = {}


def gone(model) -> ObjectGone:
    """An ObjectGone that is also `model.DoesNotExist`: a view may answer it as a 404 or as a message."""
    if model not in _GONE:
        _GONE[model] = type(f"{model.__name__}Gone", (ObjectGone, model.DoesNotExist), {})
    return _GONE[model](model)


class ReasonRequired(ValidationError):
    def __init__(self):
        super().__init__({"reason": [_("Indiquez le motif de cette décision.")]}, code="reason_required")


@dataclass(frozen=True)
class Step:
    """One step of a workflow: from any of `sources` to `target` (or DELETE)."""

    name: str
    sources: Sequence[str]
    target: str
    perm: str | None = None
    reason: bool = False  # a reason is required
    event: str | None = None  # core.notifications event emitted on success
    stamp: bool = True  # writes the decision stamp (decided_by/at/reason) when the model has it
    stamps: Sequence[str] = ()  # other datetime fields set to now (e.g. "paid_at")
    timed: bool = False  # run by a job (actor None), not offered to users
    label: Any = None  # the button's text; defaults to the name
    confirm: bool = False  # irreversible: the button asks for confirmation
    style: str = ""  # the button's style: "", "danger", "secondary"

    def __post_init__(self):
        object.__setattr__(self, "sources", tuple(self.sources))
        object.__setattr__(self, "stamps", tuple(self.stamps))

    @property
    def button_label(self):
        return self.label or self.name


@dataclass
class Workflow:
    """The states and steps of one model. Registered by model, so that `workflow_for(obj)` finds it."""

    model: type[models.Model]
    steps: Sequence[Step]
    field: str = "state"
    colours: Mapping[str, str] = dataclass_field(default_factory=dict)
    labels: Mapping[str, Any] = dataclass_field(default_factory=dict)  # overrides of the choices' labels
    # Follow-ups in the step's transaction: after[step](obj, actor=, now=); after_batch[step](objs, now=)
    # for a timed step's batch (run_due), which otherwise calls after[step] on each object.
    after: Mapping[str, Callable[..., Any]] = dataclass_field(default_factory=dict)
    after_batch: Mapping[str, Callable[..., Any]] = dataclass_field(default_factory=dict)
    register: bool = True  # False: not found by workflow_for (a second, private declaration in a test)

    def __post_init__(self):
        self._steps = {step.name: step for step in self.steps}
        if len(self._steps) != len(self.steps):
            raise ValueError(f"duplicate step names in the workflow of {self.model.__name__}")
        unknown_hooks = (set(self.after) | set(self.after_batch)) - set(self._steps)
        if unknown_hooks:
            raise ValueError(f"{self.model.__name__}: follow-ups of unknown steps {sorted(unknown_hooks)}")
        field_obj: Any = self.model._meta.get_field(self.field)  # a concrete field, not a relation
        self.states = dict(field_obj.flatchoices) if field_obj.choices else {}
        for step in self.steps:
            unknown = [s for s in (*step.sources, step.target) if s != DELETE and self.states and s not in self.states]
            if unknown:
                raise ValueError(f"{self.model.__name__}.{step.name}: unknown states {unknown}")
        if self.register:
            if self.model in _REGISTRY:
                raise ValueError(f"{self.model.__name__} already has a workflow: one per model")
            _REGISTRY[self.model] = self

    # --- reading --------------------------------------------------------------------------

    def step(self, name: str) -> Step:
        return self._steps[name]

    def state_of(self, obj) -> str:
        return getattr(obj, self.field)

    def label(self, state: str):
        return self.labels.get(state) or self.states.get(state, state)

    def colour(self, state: str) -> str:
        return self.colours.get(state, "grey")

    def badge(self, obj) -> tuple[Any, str]:
        """(label, colour) of the object's state: the one way a state is shown."""
        state = self.state_of(obj)
        return self.label(state), self.colour(state)

    def can(self, obj, user, name: str) -> bool:
        step = self._steps[name]
        if step.timed or self.state_of(obj) not in step.sources:
            return False
        return step.perm is None or bool(user is not None and user.has_perm(step.perm, obj))

    def allowed(self, obj, user) -> list[Step]:
        """The steps `user` can run on `obj` now (the buttons that will work), in declaration order."""
        return [step for step in self.steps if self.can(obj, user, step.name)]

    # --- running --------------------------------------------------------------------------

    def run(
        self,
        name: str,
        obj_or_pk,
        *,
        actor=None,
        scope: models.QuerySet | None = None,
        reason: str = "",
        updates: Mapping[str, Any] | None = None,
        context: Mapping[str, Any] | None = None,
        now=None,
        check_perm: bool = True,
    ):
        """Runs step `name` on one object (see the module's docstring); returns the updated object."""
        step = self._steps[name]
        pk = getattr(obj_or_pk, "pk", obj_or_pk)
        queryset = scope if scope is not None else self.model._default_manager.all()
        with transaction.atomic():
            try:
                obj = queryset.select_for_update(of=("self",)).get(pk=pk)
            except self.model.DoesNotExist as exc:  # type: ignore[attr-defined]
                raise gone(self.model) from exc
            if check_perm and actor is not None and step.perm and not actor.has_perm(step.perm, obj):
                raise PermissionDenied
            return self._apply(step, obj, actor=actor, reason=reason, updates=updates, context=context, now=now)

    def _apply(self, step, obj, *, actor, reason, updates, context, now):
        current = self.state_of(obj)
        if current not in step.sources:
            raise TransitionNotAllowed(current=current, allowed=step.sources, current_label=self.label(current))
        reason = (reason or "").strip()
        if step.reason and not reason:
            raise ReasonRequired()
        now = now or timezone.now()
        changed = []
        if step.target != DELETE:
            setattr(obj, self.field, step.target)
            changed.append(self.field)
            if step.stamp and isinstance(obj, _decided_model()):
                obj.decided_by = actor if getattr(actor, "pk", None) else None
                obj.decided_at = now
                obj.decision_reason = reason
                changed += ["decided_by", "decided_at", "decision_reason"]
            for name in step.stamps:
                setattr(obj, name, now)
                changed.append(name)
            for name, value in (updates or {}).items():
                setattr(obj, name, value)
                changed.append(name)
            obj.save(update_fields=list(dict.fromkeys(changed)))
            history.record_transition(
                obj, actor=actor, from_state=current, to_state=step.target, reason=reason, action=step.name
            )
            hook = self.after.get(step.name)
            if hook is not None:
                hook(obj, actor=actor, now=now)
        if step.event:
            from .notifications import emit

            emit(step.event, obj, actor=actor, reason=reason, context=context)
        if step.target == DELETE:
            pk = obj.pk
            obj.delete()
            history.history_delete(type(obj), [pk])  # nothing personal survives a purge
        return obj

    def run_due(
        self,
        name: str,
        due: models.QuerySet,
        *,
        batch_size: int = 200,
        limit: int | None = None,
        should_stop: Callable[[], bool] | None = None,
        dry_run: bool = False,
        now=None,
        group_by: str | None = None,
    ) -> int:
        """Runs a timed step on every object of `due` (a queryset of those whose time has come).

        One transaction per batch; rows locked by someone else are skipped (`SKIP LOCKED`) and
        picked up by the next run. Returns how many objects were changed (or would be: dry run).
        `should_stop()` is asked between batches (a job stopping before its time limit).
        `group_by` (a field): a batch holds whole groups (see run_in_batches), so that an event declared
        `group=True` tells each person once per run, not once per batch.
        """
        step = self._steps[name]
        due = due.filter(**{f"{self.field}__in": step.sources})
        if dry_run:
            count = due.count()
            return count if limit is None else min(count, limit)
        return run_in_batches(
            due,
            lambda batch: self._apply_batch(step, batch, now=now or timezone.now()),
            batch_size=batch_size,
            limit=limit,
            should_stop=should_stop,
            group_by=group_by,
            label=step.name,
        )

    def _apply_batch(self, step, objs, *, now):
        """`_apply` for a timed step on locked rows, in bulk (see the module's docstring)."""
        from . import notifications

        objs = [obj for obj in objs if self.state_of(obj) in step.sources]  # the due queryset filtered already
        if not objs:
            return
        pks = [obj.pk for obj in objs]
        manager = self.model._default_manager
        if step.target == DELETE:
            if step.event:
                with notifications.batched():
                    notifications.emit_many(step.event, objs)
            delete_many = getattr(self.model, "delete_many", None)
            if delete_many is not None:  # the model deletes a batch at once (one statement per relation)
                delete_many(objs)
            else:
                for obj in objs:
                    obj.delete()  # the model's own delete (files, cascades), as a person's step does
            history.history_delete(self.model, pks)
            return
        values: dict[str, Any] = {self.field: step.target}
        if step.stamp and isinstance(objs[0], _decided_model()):
            values.update(decided_by=None, decided_at=now, decision_reason="")
        for name in step.stamps:
            values[name] = now
        # The history first: each row's state as it is, read where it is (no row built per object).
        history.record_transitions_of(self.model, pks, field=self.field, to_state=step.target, action=step.name)
        manager.filter(pk__in=pks).update(**values)
        for obj in objs:
            for name, value in values.items():
                setattr(obj, name, value)
        if step.name in self.after_batch:
            self.after_batch[step.name](objs, now=now)
        elif step.name in self.after:
            for obj in objs:
                self.after[step.name](obj, actor=None, now=now)
        if step.event:
            with notifications.batched():
                notifications.emit_many(step.event, objs)


def run_in_batches(
    due: models.QuerySet,
    apply: Callable[[list], Any],
    *,
    batch_size: int = 200,
    limit: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    group_by: str | None = None,
    label: str = "",
) -> int:
    """Calls `apply(batch)` on the rows of `due`, batch after batch, each batch in its own transaction
    with its rows locked (`SELECT ... FOR UPDATE SKIP LOCKED`: rows locked by another worker are left
    for the next run). A killed run keeps its committed batches; the job's run record says how far it
    went (core.jobs.report). Returns how many rows were given to `apply`.

    Without `group_by`: batches of `batch_size` rows in pk order, each read going on from the last row
    of the one before. With `group_by` (a field): a batch holds whole groups, about `batch_size` rows (a
    bigger group alone), planned from the groups' sizes read once per run, each batch then read by its
    groups (by index, never sorting what is due): a person told about a group's rows is told once.
    `limit` stops after that many rows (a whole group can exceed it).
    """
    plan = _group_plan(due, group_by, batch_size) if group_by else None
    done = 0
    last = None
    while limit is None or done < limit:
        if should_stop is not None and should_stop():
            break
        size = batch_size if limit is None else min(batch_size, limit - done)
        if plan is not None and not plan:
            break
        with transaction.atomic():
            locked = due.select_for_update(skip_locked=True, of=("self",))
            if plan is not None and group_by:  # the next chunk of groups, whole
                batch = list(locked.filter(**{f"{group_by}__in": plan.pop()}).order_by(group_by, "pk"))
            else:  # the next rows, from where the last batch ended
                batch = list((locked if last is None else locked.filter(pk__gt=last.pk)).order_by("pk")[:size])
            if batch:
                apply(batch)
        more = bool(plan) if plan is not None else len(batch) == size
        last = batch[-1] if batch else last
        done += len(batch)
        jobs.report(f"{label} : {done} traité(s)")  # what has committed, kept if the job run dies
        if not more:
            break
    return done


def _group_plan(due, group_by, batch_size):
    """The groups of `due`, in chunks of about `batch_size` rows, the first chunk last (popped first)."""
    sizes = due.order_by(group_by).values_list(group_by).annotate(rows=models.Count("pk"))
    chunks: list[list] = []
    rows = batch_size
    for group, count in sizes:
        if rows + count > batch_size and rows:
            chunks.append([])
            rows = 0
        chunks[-1].append(group)
        rows += count
    chunks.reverse()
    return chunks


def _decided_model():
    from .models import Decided

    return Decided


def workflow_for(obj_or_model) -> Workflow | None:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    return None


def workflows() -> Iterable[Workflow]:
    """Every declared workflow (the contract test walks them)."""
    return list(_REGISTRY.values())
