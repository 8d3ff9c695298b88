"""Every write of the exchanges: keyword-only, atomic; each change of state is a step of
workflows.EVALUATION (row lock in the actor's scope, state check, history, notification on commit).

Rules enforced here (not only in pages): an order goes to a structure holding a validated evaluation
convention with the ordering fund; an evaluator belongs to the structure; only an assigned, in
progress or sent back evaluation is edited, and only complete ones are transmitted; a slip pays the
accepted evaluations of one convention at the fund's fee for their type; a device's draft based on
an old version never overwrites the server's (it waits as a conflict for the evaluator to settle).
"""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.enums import Role
from core.deletions import files_delete_later
from core.history import TransitionNotAllowed, locked_get, record_event, register_action
from core.models import Transition
from core.notifications import emit

from ..enums import ConventionState
from . import aggir, notifications
from .enums import EDITABLE_STATES, EvaluationState, SyncOutcome
from .models import Evaluation, EvaluationFee, EvaluationRead, PaymentSlip, SyncSubmission
from .perms import EVALUATION_CONVENTION_TYPES
from .workflows import EVALUATION

register_action("ordered", _lazy("Commande reçue"))
register_action("synchronised", _lazy("Brouillon synchronisé depuis un appareil"))
register_action("conflict_settled", _lazy("Conflit de synchronisation réglé"))
register_action("anonymised", _lazy("Anonymisée (fin de conservation)"))

# The evaluation's content: what the structure fills (the form's fields; the report apart).
CONTENT_FIELDS = (
    "visit_date",
    "housing_kind",
    "living_arrangement",
    "living_conditions",
    "help_in_place",
    "family_support",
    "aggir",
    "aggir_illustrative",
    "needs",
    "plan",
    "plan_comment",
)
ORDER_FIELDS = (
    "evaluation_type",
    "last_name",
    "first_name",
    "birth_date",
    "address",
    "postcode",
    "town",
    "phone",
    "pension_number",
    "reason",
    "deadline",
)


# --- orders (the fund) ------------------------------------------------------------------------------


@transaction.atomic
def evaluation_order(*, membership, convention, data, actor) -> Evaluation:
    """The fund orders an evaluation from the structure of `convention` (validated, evaluation type, its own)."""
    if (
        membership.role != Role.FUND_ADMIN
        or convention.fund_id != membership.organisation_id
        or convention.state != ConventionState.VALIDATED
        or convention.convention_type.code not in EVALUATION_CONVENTION_TYPES
    ):
        raise ValidationError(
            {"convention": _("Choisissez une structure d'évaluation conventionnée avec votre caisse.")}
        )
    unknown = set(data) - set(ORDER_FIELDS)
    if unknown:
        raise ValueError(f"not order fields: {sorted(unknown)}")
    if data["deadline"] < timezone.localdate():
        raise ValidationError({"deadline": _("La date limite ne peut pas être passée.")})
    evaluation = Evaluation(
        fund_id=membership.organisation_id,
        convention=convention,
        partner_id=convention.partner_id,
        ordered_by=actor,
        **data,
    )
    evaluation.full_clean(exclude=["file_number"])
    evaluation.save()
    evaluation.file_number = f"EV{timezone.localdate():%Y}-{evaluation.pk:06d}"
    evaluation.save(update_fields=["file_number"])
    record_event(evaluation, actor=actor, action="ordered")
    emit(notifications.ORDER_RECEIVED, evaluation, actor=actor)
    return evaluation


def evaluation_cancel(*, evaluation_id, actor, scope, reason) -> Evaluation:
    return EVALUATION.run("cancel", evaluation_id, actor=actor, scope=scope, reason=reason)


def evaluation_accept(*, evaluation_id, actor, scope) -> Evaluation:
    return EVALUATION.run("accept", evaluation_id, actor=actor, scope=scope)


def evaluation_send_back(*, evaluation_id, actor, scope, reason) -> Evaluation:
    """The fund sends the evaluation back with a comment; the structure corrects it and transmits again."""
    return EVALUATION.run("send_back", evaluation_id, actor=actor, scope=scope, updates={"ready": False}, reason=reason)


# --- the structure ----------------------------------------------------------------------------------


@transaction.atomic
def evaluation_accept_assign(*, evaluation_id, actor, scope, evaluator) -> Evaluation:
    """The structure accepts a new order and gives it to one of its users."""
    evaluation = locked_get(scope, evaluation_id)
    if not evaluator.memberships.filter(
        organisation_id=evaluation.partner.organisation_id, role=Role.PARTNER_USER, is_active=True
    ).exists():
        raise ValidationError({"evaluator": _("Choisissez un évaluateur de votre structure.")})
    return EVALUATION.run("accept_assign", evaluation, actor=actor, scope=scope, updates={"evaluator": evaluator})


def missing_for_transmission(evaluation):
    """What an evaluation lacks before it can be transmitted: {field: French message}."""
    errors = {}
    if not evaluation.visit_date:
        errors["visit_date"] = _("Indiquez la date de la visite.")
    if not evaluation.living_conditions.strip():
        errors["living_conditions"] = _("Décrivez les conditions de vie et le logement.")
    if not evaluation.help_in_place.strip():
        errors["help_in_place"] = _("Indiquez les aides déjà en place (ou « aucune »).")
    absent = aggir.missing(evaluation.aggir)
    if absent:
        labels = {key: label for key, label, _help in aggir.DISCRIMINANT}
        errors["aggir"] = _("Cotez toutes les variables discriminantes de la grille AGGIR : %(names)s.") % {
            "names": ", ".join(str(labels[key]) for key in absent)
        }
    if not evaluation.needs.strip():
        errors["needs"] = _("Décrivez les besoins constatés.")
    if not evaluation.plan:
        errors["plan"] = _("Proposez au moins une aide dans le plan d'actions.")
    return errors


def _check_visit(evaluation, visit_date):
    if visit_date is None:
        return
    if visit_date > timezone.localdate():
        raise ValidationError({"visit_date": _("La date de la visite ne peut pas être dans le futur.")})
    ordered_on = timezone.localtime(evaluation.ordered_at).date()
    if visit_date < ordered_on:
        raise ValidationError(
            {
                "visit_date": _("La visite ne peut pas précéder la commande, reçue le %(date)s.")
                % {"date": ordered_on.strftime("%d/%m/%Y")}
            }
        )


def _apply_content(evaluation, data):
    for name in CONTENT_FIELDS:
        if name in data:
            setattr(evaluation, name, data[name])
    evaluation.gir = aggir.gir_or_none(evaluation.aggir)


@transaction.atomic
def evaluation_save(
    *, evaluation_id, actor, scope, data, report=None, finish=False, base_version=None, action=""
) -> tuple[Evaluation, dict]:
    """Saves the structure's work (a draft, any time) and returns (evaluation, what is missing).

    `finish` also marks it ready for transmission when it is complete; when it is not, the draft is
    saved all the same and the missing parts come back ({field: French message}) for the page to show.
    `base_version`: the version the editor started from; an older one is refused (code "stale").
    """
    evaluation = locked_get(scope, evaluation_id)
    if not actor.has_perm("partners.handle_evaluation", evaluation):
        raise ValidationError(_("Vous ne pouvez pas modifier cette évaluation."))
    if evaluation.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            current=evaluation.state, allowed=EDITABLE_STATES, current_label=EVALUATION.label(evaluation.state)
        )
    if base_version is not None and base_version != evaluation.version:
        raise ValidationError(
            _("Cette évaluation a été modifiée entre-temps (version %(current)s, vous êtes parti(e) de la %(base)s).")
            % {"current": evaluation.version, "base": base_version},
            code="stale",
        )
    _check_visit(evaluation, data.get("visit_date", evaluation.visit_date))
    _apply_content(evaluation, data)
    old_report = None
    if report is not None:
        old_report = evaluation.report.name or None
        evaluation.report = report
    evaluation.version += 1
    evaluation.updated_at = timezone.now()
    evaluation.updated_by = actor
    evaluation.ready = False
    evaluation.save()
    if old_report:
        files_delete_later([old_report])
    if action:
        record_event(evaluation, actor=actor, action=action)
    if evaluation.state == EvaluationState.ASSIGNED:
        evaluation = EVALUATION.run("start", evaluation, actor=actor, scope=scope)
    missing = missing_for_transmission(evaluation) if finish else {}
    if finish and not missing:
        evaluation.ready = True
        evaluation.save(update_fields=["ready"])
    return evaluation, missing


@transaction.atomic
def evaluations_transmit(*, evaluation_ids, actor, scope) -> list[Evaluation]:
    """Transmits the chosen finished evaluations to their funds (each a workflow step); all or none."""
    done = []
    for evaluation_id in sorted(set(evaluation_ids)):
        evaluation = locked_get(scope, evaluation_id)
        if not evaluation.ready or missing_for_transmission(evaluation):
            raise ValidationError(
                _("L'évaluation %(number)s n'est pas terminée : complétez-la avant de la transmettre.")
                % {"number": evaluation.file_number}
            )
        done.append(EVALUATION.run("transmit", evaluation, actor=actor, scope=scope))
    if not done:
        raise ValidationError(_("Cochez au moins une évaluation à transmettre."))
    # One message per fund for the whole transmission (not one per evaluation): file numbers only.
    by_fund: dict[int, list[Evaluation]] = {}
    for evaluation in done:
        by_fund.setdefault(evaluation.fund_id, []).append(evaluation)
    for evaluations in by_fund.values():
        emit(notifications.TRANSMITTED, evaluations[0], context={"evaluations": evaluations})
    return done


# --- health data reads ------------------------------------------------------------------------------


def evaluation_read_log(*, evaluation, user, organisation_id, what):
    """Records one read of the evaluation's health data (the only write a page showing it does)."""
    return EvaluationRead.objects.create(evaluation=evaluation, user=user, organisation_id=organisation_id, what=what)


# --- payment slips ----------------------------------------------------------------------------------


def _next_slip_number(fund):
    year = timezone.localdate().year
    prefix = f"BP{year}-{fund.pk:04d}-"
    last = PaymentSlip.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:05d}"


@transaction.atomic
def slip_issue(*, membership, convention, actor, scope, evaluation_ids=None) -> PaymentSlip:
    """Issues a payment slip for the accepted, unpaid evaluations of `convention` (all of them, or the
    chosen ones): each line at the fund's fee for its type; each evaluation runs the step "pay" (done
    in bulk: one UPDATE and one batch of history rows, for slips of thousands of lines)."""
    if convention.fund_id != membership.organisation_id:
        raise ValidationError(_("Cette convention n'est pas celle de votre caisse."))
    step = EVALUATION.step("pay")
    due = scope.filter(convention=convention, state__in=step.sources, slip__isnull=True)
    if evaluation_ids is not None:
        due = due.filter(pk__in=evaluation_ids)
    rows = list(due.select_for_update(of=("self",)).order_by("pk").values_list("pk", "evaluation_type"))
    if not rows:
        raise ValidationError(_("Aucune évaluation acceptée à payer pour cette convention."))
    fees = dict(EvaluationFee.objects.filter(fund_id=convention.fund_id).values_list("evaluation_type", "amount"))
    from .enums import EvaluationType

    missing = sorted({kind for _pk, kind in rows if kind not in fees})
    if missing:
        labels = ", ".join(str(EvaluationType(kind).label) for kind in missing)
        raise ValidationError(
            _("Aucun forfait n'est défini pour : %(types)s. Renseignez les forfaits de la caisse.") % {"types": labels}
        )
    now = timezone.now()
    total = sum((fees[kind] for _pk, kind in rows), Decimal("0"))
    for attempt in range(3):
        try:
            with transaction.atomic():
                slip = PaymentSlip.objects.create(
                    number=_next_slip_number(convention.fund),
                    fund_id=convention.fund_id,
                    convention=convention,
                    partner_id=convention.partner_id,
                    issued_at=now,
                    issued_by=actor,
                    line_count=len(rows),
                    total=total,
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Evaluation)
    by_type: dict[str, list[int]] = {}
    for pk, kind in rows:
        by_type.setdefault(kind, []).append(pk)
    for kind, pks in by_type.items():
        for start in range(0, len(pks), 1000):
            Evaluation.objects.filter(pk__in=pks[start : start + 1000]).update(
                state=step.target, slip=slip, fee=fees[kind], paid_at=now, closed_at=now
            )
    Transition.objects.bulk_create(
        [
            Transition(
                content_type=content_type,
                object_id=str(pk),
                actor=actor,
                from_state=EvaluationState.ACCEPTED,
                to_state=step.target,
                action=step.name,
                created_at=now,
            )
            for pk, _kind in rows
        ],
        batch_size=1000,
    )
    emit(notifications.SLIP_ISSUED, slip, actor=actor)
    return slip


# --- offline work ("Synchronisation") ---------------------------------------------------------------


def _submission(key):
    return SyncSubmission.objects.filter(key=key).first()


def sync_submit(*, key, evaluation_id, base_version, data, payload, actor, scope) -> SyncSubmission:
    """A draft sent by a device. Idempotent on `key` (a second send answers the first result). Applied
    when it is based on the current version and the evaluation is still the structure's to edit;
    otherwise kept as a conflict (the server's version is untouched), for the evaluator to settle."""
    key = uuid.UUID(str(key))
    existing = _submission(key)
    if existing is not None:
        return existing
    with transaction.atomic():
        evaluation = locked_get(scope, evaluation_id)
        outcome, detail = SyncOutcome.APPLIED, ""
        if evaluation.state not in EDITABLE_STATES:
            outcome = SyncOutcome.CONFLICT
            detail = _("L'évaluation est maintenant « %(state)s » : votre brouillon n'a pas été appliqué.") % {
                "state": EVALUATION.label(evaluation.state)
            }
        elif base_version != evaluation.version:
            outcome = SyncOutcome.CONFLICT
            detail = _(
                "L'évaluation a été modifiée sur le portail (version %(current)s) après la préparation de votre "
                "brouillon (version %(base)s)."
            ) % {"current": evaluation.version, "base": base_version}
        elif data is None:
            outcome = SyncOutcome.REFUSED
            detail = _("Le brouillon contient des valeurs refusées : ouvrez-le sur le portail pour les corriger.")
        submission = SyncSubmission(
            key=key,
            evaluation=evaluation,
            user=actor,
            base_version=base_version,
            payload=payload,
            outcome=outcome,
            detail=detail,
        )
        if outcome == SyncOutcome.APPLIED:
            try:
                with transaction.atomic():
                    evaluation_save(
                        evaluation_id=evaluation.pk,
                        actor=actor,
                        scope=scope,
                        data=data,
                        base_version=base_version,
                        action="synchronised",
                    )
            except ValidationError as error:
                submission.outcome = SyncOutcome.REFUSED
                submission.detail = " ".join(error.messages)
        submission.save()
        return submission


@transaction.atomic
def conflict_settle(*, submission_id, choice, data, actor, scope, submissions) -> SyncSubmission:
    """The evaluator settles a conflict: "device" applies the device's draft over the current version (if
    the evaluation may still be edited), "server" keeps the server's. Both versions stay recorded."""
    submission = locked_get(submissions, submission_id)
    if submission.settled_at is not None or submission.outcome != SyncOutcome.CONFLICT:
        raise ValidationError(_("Ce conflit est déjà réglé."))
    if choice == "device":
        if data is None:
            raise ValidationError(_("Le brouillon de l'appareil contient des valeurs refusées."))
        evaluation = locked_get(scope, submission.evaluation_id)
        evaluation_save(evaluation_id=evaluation.pk, actor=actor, scope=scope, data=data, action="conflict_settled")
    elif choice != "server":
        raise ValidationError(_("Choisissez la version à garder."))
    else:
        record_event(submission.evaluation, actor=actor, action="conflict_settled")
    submission.settled_at = timezone.now()
    submission.settled_by = actor
    submission.settlement = choice
    submission.save(update_fields=["settled_at", "settled_by", "settlement"])
    return submission


# --- fees (reference data of each fund) -------------------------------------------------------------


@transaction.atomic
def fees_save(*, membership, amounts, actor):
    """Sets the fund's flat fee per evaluation type (`amounts`: type -> Decimal, or None to remove)."""
    from .enums import EvaluationType

    if membership.role != Role.FUND_ADMIN:
        raise ValidationError(_("Seuls les administrateurs de la caisse fixent ses forfaits."))
    for kind in EvaluationType.values:
        amount = amounts.get(kind)
        if amount is None:
            EvaluationFee.objects.filter(fund_id=membership.organisation_id, evaluation_type=kind).delete()
        else:
            EvaluationFee.objects.update_or_create(
                fund_id=membership.organisation_id, evaluation_type=kind, defaults={"amount": amount}
            )
