"""Every write of the Espace intérimaire (keyword-only, atomic). Signature: interim/signature.py."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history
from core.notifications import emit

from . import notifications as events
from . import payroll
from .enums import AdvanceState, AvailabilityKind, ChangeGroup, ChangeState, DiplomaState, DocumentRequestState
from .models import (
    Advance,
    Availability,
    Contract,
    Diploma,
    DocumentRequest,
    ProfileChange,
    Worker,
    WorkerQualification,
)
from .workflows import ADVANCE, CONTRACT, DIPLOMA, PROFILE_CHANGE

# Where each group's values are written when the agency accepts the change.
USER_FIELDS = {"civility", "first_name", "last_name", "birth_name", "email"}
GROUP_FIELDS = {
    ChangeGroup.IDENTITY: ("civility", "first_name", "last_name", "birth_name"),
    ChangeGroup.NIR: ("nir",),
    ChangeGroup.CONTACT: ("email",),
    ChangeGroup.MOBILITY: ("mobility_km", "work_period"),
    ChangeGroup.ADDRESS: ("street", "postcode", "town"),
    ChangeGroup.BANK: ("iban", "bank_holder"),
    ChangeGroup.FAMILY: ("family_situation", "children"),
    ChangeGroup.SS_CARD: (),
}


def current_values(worker, group):
    return {name: getattr(worker.user if name in USER_FIELDS else worker, name) for name in GROUP_FIELDS[group]}


# --- Fiche perso --------------------------------------------------------------------------------


@transaction.atomic
def profile_change_request(*, worker: Worker, group: str, values: dict, file=None, actor) -> ProfileChange:
    """Records a change waiting for the agency (replacing a pending one of the same group).

    Nothing is written to the file itself: the agency's validation applies it (profile_change_accept).
    A bank-details change is also told to the address on file.
    """
    if group not in GROUP_FIELDS:
        raise ValidationError(_("Rubrique inconnue."))
    allowed = GROUP_FIELDS[group]
    proposed = {name: ("" if values.get(name) is None else values.get(name)) for name in allowed}
    if group != ChangeGroup.SS_CARD and proposed == {
        k: ("" if v is None else v) for k, v in current_values(worker, group).items()
    }:
        raise ValidationError(_("Aucune modification : les valeurs sont celles de votre fiche."))
    if group == ChangeGroup.SS_CARD and file is None:
        raise ValidationError({"file": [_("Déposez le scan de votre carte de sécurité sociale.")]})
    previous = ProfileChange.objects.select_for_update().filter(worker=worker, group=group, state=ChangeState.PENDING)
    for change in previous:
        PROFILE_CHANGE.run("cancel", change, actor=actor, check_perm=False)
    change = ProfileChange(worker=worker, group=group, proposed=proposed)
    if file is not None:
        change.proposed_file = file
    change.save()
    history.record_transition(change, actor=actor, from_state="", to_state=ChangeState.PENDING, action="request")
    if group == ChangeGroup.BANK:
        emit(events.BANK_CHANGE_REQUESTED, change, actor=actor)
    return change


@transaction.atomic
def profile_change_accept(*, change_id, actor, scope) -> ProfileChange:
    """The agency accepts: the step is run, then the values are written to the worker's file."""
    change = PROFILE_CHANGE.run("accept", change_id, actor=actor, scope=scope)
    worker = Worker.objects.select_for_update().select_related("user").get(pk=change.worker_id)
    user = worker.user
    user_changed, worker_changed = [], []
    for name, value in change.proposed.items():
        target, changed = (user, user_changed) if name in USER_FIELDS else (worker, worker_changed)
        setattr(target, name, value if value is not None else "")
        changed.append(name)
    if change.group == ChangeGroup.SS_CARD and change.proposed_file:
        worker.ss_card = change.proposed_file.name
        worker_changed.append("ss_card")
    if user_changed:
        user.save(update_fields=user_changed)
    if worker_changed:
        worker.save(update_fields=worker_changed)
    return change


def profile_change_refuse(*, change_id, actor, scope, reason) -> ProfileChange:
    return PROFILE_CHANGE.run("refuse", change_id, actor=actor, scope=scope, reason=reason)


# --- Diplômes -----------------------------------------------------------------------------------


@transaction.atomic
def diploma_add(*, worker: Worker, name: str, obtained_on: datetime.date, file, actor) -> Diploma:
    if obtained_on > timezone.localdate():
        raise ValidationError({"obtained_on": [_("La date d’obtention ne peut pas être dans le futur.")]})
    diploma = Diploma(worker=worker, name=name.strip(), obtained_on=obtained_on, file=file)
    diploma.full_clean(exclude=["file"])
    diploma.save()
    history.record_transition(diploma, actor=actor, from_state="", to_state=DiplomaState.PENDING, action="add")
    return diploma


@transaction.atomic
def diploma_validate(*, diploma_id, actor, scope, qualifications=()) -> Diploma:
    """Validates a diploma and grants the qualifications chosen from the agency's list."""
    diploma = DIPLOMA.run("validate", diploma_id, actor=actor, scope=scope)
    for qualification in qualifications:
        if qualification.agency_id != diploma.worker.agency_id:
            raise ValidationError(_("Cette qualification n’est pas une qualification de l’agence."))
        WorkerQualification.objects.get_or_create(
            worker=diploma.worker, qualification=qualification, defaults={"diploma": diploma, "granted_by": actor}
        )
    return diploma


def diploma_refuse(*, diploma_id, actor, scope, reason) -> Diploma:
    return DIPLOMA.run("refuse", diploma_id, actor=actor, scope=scope, reason=reason)


# --- Acomptes -----------------------------------------------------------------------------------


def _check_amount(worker, amount, now, exclude=None):
    if amount is None or amount <= 0:
        raise ValidationError({"amount": [_("Indiquez un montant supérieur à zéro.")]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("Le montant a au plus deux décimales.")]})
    available = payroll.available_amount(worker, now, exclude=exclude)
    if amount > available:
        raise ValidationError(
            {"amount": [_("Le montant dépasse le montant disponible (%(available)s €).") % {"available": available}]}
        )


@transaction.atomic
def advance_request(*, worker: Worker, amount: Decimal, actor, now=None) -> Advance:
    now = now or timezone.now()
    Worker.objects.select_for_update().filter(pk=worker.pk).first()  # one request at a time per worker
    _check_amount(worker, amount, now)
    advance = Advance.objects.create(
        worker=worker, amount=amount, payment_date=payroll.payment_date_for(now).date, created_at=now
    )
    history.record_transition(advance, actor=actor, from_state="", to_state=AdvanceState.PENDING, action="request")
    return advance


@transaction.atomic
def advance_update(*, advance_id, scope, amount: Decimal, actor, now=None) -> Advance:
    now = now or timezone.now()
    advance = scope.select_for_update(of=("self",)).get(pk=advance_id)
    if advance.state != AdvanceState.PENDING:
        raise history.TransitionNotAllowed(
            current=advance.state, allowed=[AdvanceState.PENDING], current_label=advance.get_state_display()
        )
    _check_amount(advance.worker, amount, now, exclude=advance)
    advance.amount = amount
    advance.payment_date = payroll.payment_date_for(now).date
    advance.save(update_fields=["amount", "payment_date"])
    history.record_event(advance, actor=actor, action="edit")
    return advance


def advance_cancel(*, advance_id, scope, actor):
    return ADVANCE.run("cancel", advance_id, actor=actor, scope=scope)


# --- Disponibilités, demandes de documents -------------------------------------------------------


@transaction.atomic
def availability_add(*, worker, kind, start_date, end_date, start_time=None, end_time=None) -> Availability:
    errors = {}
    if kind not in AvailabilityKind.values:
        errors["kind"] = [_("Choisissez disponible ou indisponible.")]
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = [_("La date de fin est avant la date de début.")]
    if (start_time is None) != (end_time is None):
        errors["end_time"] = [_("Indiquez les deux heures, ou aucune.")]
    elif start_time and end_time and end_time <= start_time:
        errors["end_time"] = [_("L’heure de fin est avant l’heure de début.")]
    if errors:
        raise ValidationError(errors)
    return Availability.objects.create(
        worker=worker, kind=kind, start_date=start_date, end_date=end_date, start_time=start_time, end_time=end_time
    )


@transaction.atomic
def availability_delete(*, availability_id, scope):
    scope.filter(pk=availability_id).delete()


@transaction.atomic
def document_request_create(*, worker, kind, message="", actor) -> DocumentRequest:
    if DocumentRequest.objects.filter(worker=worker, kind=kind, state=DocumentRequestState.PENDING).exists():
        raise ValidationError(_("Une demande de ce document est déjà en attente à l’agence."))
    document_request = DocumentRequest.objects.create(worker=worker, kind=kind, message=message.strip())
    history.record_transition(
        document_request, actor=actor, from_state="", to_state=DocumentRequestState.PENDING, action="request"
    )
    return document_request


history.register_action("request", "Demande")
history.register_action("add", "Ajout")
history.register_action("edit", "Modification")


@transaction.atomic
def notification_switches_set(*, user, enabled_keys, keys):
    """The worker's Paramètres: one preference row per switch of the page (others untouched)."""
    from core.models import NotificationPreference

    for key in keys:
        NotificationPreference.objects.update_or_create(user=user, event=key, defaults={"enabled": key in enabled_keys})


@transaction.atomic
def document_add(*, worker, kind, number, period, file, actor=None):
    """Publishes a payroll document on the worker's space and tells them (if their switch is on)."""
    from .models import Document

    document = Document(worker=worker, kind=kind, number=number, period=period)
    document.file.save(f"{number}.pdf", file, save=False)
    document.full_clean(exclude=["file"])
    document.save()
    emit(events.DOCUMENT_EVENTS[kind], document, actor=actor)
    return document


def contracts_expire_run(*, now=None, dry_run=False, batch_size=500, should_stop=None) -> int:
    """Contracts still to sign after their deadline (`sign_before`) turn "Délai de signature dépassé"
    (the timed step "expire": batched with SKIP LOCKED, idempotent, safe with two workers)."""
    now = now or timezone.now()
    return CONTRACT.run_due(
        "expire",
        Contract.objects.filter(sign_before__lte=now),
        batch_size=batch_size,
        dry_run=dry_run,
        should_stop=should_stop,
        now=now,
    )
