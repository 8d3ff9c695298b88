"""History of any model: transitions (who, when, from, to, why) and their timeline.

A state transition is one service call, in one transaction, that locks the row:

    request = transition(
        ErasureRequest, pk, field="status", allowed_from=[ErasureRequest.Status.PENDING],
        to=ErasureRequest.Status.DONE, actor=request.user, reason=form.cleaned_data["reason"],
        scope=selectors.erasure_requests_for(request.user),
        extra_updates={"processed_by": request.user, "processed_at": timezone.now()},
    )

It raises core.workflows.ObjectGone when the object is not in `scope` or was deleted meanwhile (a
ValidationError with a French message that is also `Model.DoesNotExist`: a view may answer it with
the message or as a 404), and `TransitionNotAllowed` (a ValidationError, French message) when its
current state is not in `allowed_from`: two users acting at once cannot both win. Showing the history:

    {% include "components/timeline.html" with entries=timeline %}   # timeline = timeline_for(obj)
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction as db_transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Transition

STATE_FIELD_NAMES = ("state", "status")


class TransitionNotAllowed(ValidationError):
    def __init__(self, *, current, allowed, current_label=None):
        self.current = current
        self.allowed = tuple(allowed)
        super().__init__(
            _("Cette action n’est pas possible dans l’état actuel (« %(current)s »). Rechargez la page."),
            code="transition_not_allowed",
            params={"current": current_label or current},
        )


def locked_get(queryset, pk):
    """`queryset.select_for_update(of=("self",)).get(pk=pk)`; a row deleted meanwhile (a purge won the
    race) or out of the queryset raises core.workflows.ObjectGone, which is also the model's
    DoesNotExist: views answer it with its French message, or as a 404."""
    from .workflows import gone

    try:
        return queryset.select_for_update(of=("self",)).get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        raise gone(queryset.model) from exc


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


_ACTION_LABELS: dict[str, object] = {}


def register_action(key, label):
    """The label of a history entry that is not a change of state ("edit", "documents_added")."""
    _ACTION_LABELS[key] = label


def record_transition(obj, *, actor, from_state, to_state, reason="", action=""):
    """Writes one history row for `obj` (any model). `actor` None (or anonymous) = the system.

    `action` names what happened (a workflow step, or an action registered with register_action):
    an entry whose state does not change is shown by its action's label, not "Saisie -> Saisie".
    """
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        actor=_actor(actor),
        from_state=from_state or "",
        to_state=to_state,
        reason=reason or "",
        action=action or "",
    )


def record_transitions(changes, *, actor, to_state, reason="", action=""):
    """One history row per `(obj, from_state)` of `changes`, written with one insert (a timed step run on
    a batch). Returns the rows."""
    rows = [
        Transition(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            actor=_actor(actor),
            from_state=from_state or "",
            to_state=to_state,
            reason=reason or "",
            action=action or "",
        )
        for obj, from_state in changes
    ]
    return Transition.objects.bulk_create(rows, batch_size=1000)


def record_transitions_of(model, pks, *, field, to_state=None, reason="", action=""):
    """One history row per row of `model` in `pks` (a timed step run on a batch, actor the system), each
    from the state its `field` holds now: call it before the state changes (`to_state` None: an event that
    leaves the state as it is, as record_event). Set-based: one INSERT ... SELECT per 1,000 rows, no
    object built per row (a job's 100,000). Returns how many were written."""
    quote = connection.ops.quote_name
    fields = ("content_type", "object_id", "actor", "from_state", "to_state", "reason", "action", "created_at")
    columns = ", ".join(quote(Transition._meta.get_field(name).column) for name in fields)  # type: ignore[union-attr,arg-type]
    pk_column, state_column = quote(model._meta.pk.column), quote(model._meta.get_field(field).column)
    content_type = ContentType.objects.get_for_model(model)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    target, target_params = (f"COALESCE({state_column}, '')", []) if to_state is None else ("%s", [to_state])
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(pks), 1000):
            chunk = list(pks[start : start + 1000])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(Transition._meta.db_table)} ({columns}) "  # noqa: S608 - names quoted, values bound
                f"SELECT %s, CAST({pk_column} AS TEXT), NULL, COALESCE({state_column}, ''), {target}, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} WHERE {pk_column} IN ({marks}) ORDER BY {pk_column}",
                [content_type.pk, *target_params, reason or "", action or "", now, *chunk],
            )
            written += cursor.rowcount
    return written


def record_event(obj, *, actor, action, reason="", state_field="state"):
    """A history row for something that happened to `obj` without changing its state."""
    state = getattr(obj, state_field, "") or ""
    return record_transition(obj, actor=actor, from_state=state, to_state=state, reason=reason, action=action)


def history_delete(obj_or_model, pks=None):
    """Deletes the history of an object (or of `pks` of a model): nothing personal survives a purge."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    ids = [str(pk) for pk in (pks if pks is not None else [obj_or_model.pk])]
    content_type = ContentType.objects.get_for_model(model)
    return Transition.objects.filter(content_type=content_type, object_id__in=ids).delete()[0]


def action_label(entry):
    """The label of an entry's action: a workflow step's, a registered action's, else ''."""
    if not entry.action:
        return ""
    if entry.action in _ACTION_LABELS:
        return _ACTION_LABELS[entry.action]
    from .workflows import workflow_for

    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    workflow = workflow_for(model) if model is not None else None
    if workflow is not None and entry.action in workflow._steps:
        return workflow.step(entry.action).button_label
    return entry.action


def timeline_for(obj):
    """The object's transitions, oldest first, actors included: one query."""
    return (
        Transition.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def transition(
    model,
    pk,
    *,
    field="state",
    allowed_from,
    to,
    actor,
    reason="",
    scope=None,
    extra_updates=None,
):
    """Locks the row, checks its state, writes the new state and a history row; returns the object."""
    allowed = (allowed_from,) if isinstance(allowed_from, str) else tuple(allowed_from)
    extra_updates = dict(extra_updates or {})
    queryset = scope if scope is not None else model._default_manager.all()
    with db_transaction.atomic():
        obj = locked_get(queryset, pk)
        current = getattr(obj, field)
        if current not in allowed:
            raise TransitionNotAllowed(
                current=current, allowed=allowed, current_label=choice_label(type(obj), current, field=field)
            )
        setattr(obj, field, to)
        for name, value in extra_updates.items():
            setattr(obj, name, value)
        obj.save(update_fields=[field, *extra_updates])
        record_transition(obj, actor=actor, from_state=current, to_state=to, reason=reason)
    return obj


def choice_label(model, value, *, field=None):
    """The human label of a state value: from `field`'s choices, else from a `state`/`status` field."""
    if not value or model is None:
        return value
    names = [field] if field else []
    names += [name for name in STATE_FIELD_NAMES if name != field]
    fields = [f for f in model._meta.concrete_fields if f.choices]
    fields.sort(key=lambda f: names.index(f.name) if f.name in names else len(names))
    for candidate in fields:
        label = dict(candidate.flatchoices).get(value)
        if label is not None:
            return label
    return value


def state_label(entry, value):
    """Label of `value` (a state of `entry`'s subject): no query, content types are cached."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    from .workflows import workflow_for

    workflow = workflow_for(model) if model is not None else None
    if workflow is not None and value:
        return workflow.label(value)
    return choice_label(model, value)
