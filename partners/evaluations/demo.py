"""Demo records of the exchanges (called by partners.demo.seed): the demo partner becomes an evaluation
structure (a validated "evaluation" convention with the demo fund), the fund's fees, evaluations in every
state with their history, and two payment slips. Idempotent (keyed on the convention code)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.history import record_transition

from ..enums import ConventionState
from ..models import Convention, ConventionType
from .aggir import DISCRIMINANT_KEYS, ILLUSTRATIVE_KEYS, gir_or_none
from .enums import Aid, EvaluationType, HousingKind, LivingArrangement
from .enums import EvaluationState as S
from .models import Evaluation, EvaluationFee, PaymentSlip

CODE = "DEMO-EVAL-01"
FEES = {EvaluationType.INITIAL: "180.00", EvaluationType.RENEWAL: "120.00", EvaluationType.URGENT: "220.00"}

# (last name, first name, state, days since the order, deadline in days, type)
PEOPLE = [
    ("Lefebvre", "Jeanne", S.ORDERED, 2, 12, EvaluationType.INITIAL),
    ("Moreau", "Lucien", S.ORDERED, 20, -3, EvaluationType.URGENT),
    ("Garnier", "Odette", S.ASSIGNED, 6, 8, EvaluationType.INITIAL),
    ("Roux", "Marcel", S.IN_PROGRESS, 9, 5, EvaluationType.RENEWAL),
    ("Fontaine", "Simone", S.TRANSMITTED, 15, 0, EvaluationType.INITIAL),
    ("Chevalier", "Henri", S.RETURNED, 18, -1, EvaluationType.INITIAL),
    ("Blanc", "Yvette", S.ACCEPTED, 25, -10, EvaluationType.INITIAL),
    ("Mercier", "Roger", S.ACCEPTED, 26, -9, EvaluationType.RENEWAL),
    ("Dufour", "Germaine", S.PAID, 60, -40, EvaluationType.INITIAL),
    ("Lambert", "Paulette", S.PAID, 58, -38, EvaluationType.URGENT),
    ("Bonnet", "René", S.PAID, 40, -20, EvaluationType.RENEWAL),
    ("Girard", "Suzanne", S.CANCELLED, 12, 3, EvaluationType.INITIAL),
]

GRIDS = [
    ("A", "A", "B", "B", "A", "A", "B", "B", "B", "A"),
    ("B", "B", "C", "C", "B", "B", "C", "C", "C", "B"),
    ("A", "A", "B", "A", "A", "A", "A", "A", "B", "A"),
]

# The path each final state went through.
PATHS = {
    S.ORDERED: [],
    S.ASSIGNED: ["accept_assign"],
    S.IN_PROGRESS: ["accept_assign", "start"],
    S.TRANSMITTED: ["accept_assign", "start", "transmit"],
    S.RETURNED: ["accept_assign", "start", "transmit", "send_back"],
    S.ACCEPTED: ["accept_assign", "start", "transmit", "accept"],
    S.PAID: ["accept_assign", "start", "transmit", "accept", "pay"],
    S.CANCELLED: ["accept_assign", "cancel"],
}
TARGETS = {
    "accept_assign": (S.ORDERED, S.ASSIGNED),
    "start": (S.ASSIGNED, S.IN_PROGRESS),
    "transmit": (S.IN_PROGRESS, S.TRANSMITTED),
    "send_back": (S.TRANSMITTED, S.RETURNED),
    "accept": (S.TRANSMITTED, S.ACCEPTED),
    "pay": (S.ACCEPTED, S.PAID),
    "cancel": (S.ASSIGNED, S.CANCELLED),
}
REASONS = {
    "send_back": "La grille AGGIR ne correspond pas aux besoins décrits : revoyez l'habillage et la toilette.",
    "cancel": "Le retraité est entré en établissement.",
}


def seed(*, fund, partner, users):
    if Convention.objects.filter(fund=fund, code=CODE).exists():
        return
    convention_type = ConventionType.objects.get(code="evaluation")
    convention = Convention.objects.create(
        partner=partner,
        fund=fund,
        convention_type=convention_type,
        code=CODE,
        state=ConventionState.VALIDATED,
        decided_at=timezone.now(),
    )
    record_transition(convention, actor=None, from_state="", to_state=ConventionState.VALIDATED)
    for kind, amount in FEES.items():
        EvaluationFee.objects.get_or_create(fund=fund, evaluation_type=kind, defaults={"amount": Decimal(amount)})
    fund_admin = users.get("caisse@carsat.demo")
    evaluators = [users.get("aidadom01"), users.get("aidadom02")]
    now = timezone.now()
    today = timezone.localdate()
    paid = []
    for index, (last, first, state, age, due, kind) in enumerate(PEOPLE):
        ordered_at = now - datetime.timedelta(days=age)
        evaluator = evaluators[index % 2] if state != S.ORDERED else None
        evaluation = Evaluation.objects.create(
            fund=fund,
            convention=convention,
            partner=partner,
            evaluation_type=kind,
            last_name=last,
            first_name=first,
            birth_date=datetime.date(1932 + index, 1 + index % 12, 10 + index),
            address=f"{index + 3} rue des Tilleuls",
            postcode="62000",
            town="Arras",
            phone=f"03 21 00 00 {index:02d}",
            reason="Retour à domicile après une hospitalisation."
            if kind == EvaluationType.URGENT
            else "Demande d'aide au maintien à domicile.",
            deadline=today + datetime.timedelta(days=due),
            ordered_at=ordered_at,
            ordered_by=fund_admin,
            evaluator=evaluator,
        )
        evaluation.file_number = f"EV{ordered_at.year}-{evaluation.pk:06d}"
        ordered = record_transition(evaluation, actor=fund_admin, from_state="", to_state=S.ORDERED, action="ordered")
        ordered.created_at = ordered_at
        ordered.save(update_fields=["created_at"])
        steps = PATHS[state]
        if "start" in steps:
            grid = dict(zip(DISCRIMINANT_KEYS, GRIDS[index % len(GRIDS)], strict=True))
            evaluation.visit_date = min(today, (ordered_at + datetime.timedelta(days=3)).date())
            evaluation.housing_kind = HousingKind.HOUSE if index % 2 else HousingKind.FLAT
            evaluation.living_arrangement = LivingArrangement.ALONE
            evaluation.living_conditions = "Logement de plain-pied, salle d'eau sans douche à l'italienne."
            evaluation.help_in_place = "Portage de repas trois fois par semaine."
            evaluation.family_support = "Un fils à 30 km, passe le week-end."
            evaluation.aggir = grid
            evaluation.aggir_illustrative = dict.fromkeys(ILLUSTRATIVE_KEYS, "B")
            evaluation.gir = gir_or_none(grid)
            evaluation.needs = "Aide au ménage, aux courses et à la toilette."
            evaluation.plan = [{"aid": Aid.HOME_HELP, "hours": "10"}, {"aid": Aid.ALARM, "hours": ""}]
            evaluation.ready = state not in (S.IN_PROGRESS, S.RETURNED)
            evaluation.version = 3
        at = ordered_at
        for step in steps:
            at += datetime.timedelta(days=1)
            source, target = TARGETS[step]
            actor = fund_admin if step in ("send_back", "accept", "pay", "cancel") else evaluators[0]
            entry = record_transition(
                evaluation, actor=actor, from_state=source, to_state=target, reason=REASONS.get(step, ""), action=step
            )
            entry.created_at = min(at, now)
            entry.save(update_fields=["created_at"])
            if step == "accept_assign":
                evaluation.assigned_at = entry.created_at
            if step == "transmit":
                evaluation.transmitted_at = entry.created_at
            if step in ("send_back", "accept", "cancel"):
                evaluation.decided_by, evaluation.decided_at = fund_admin, entry.created_at
                evaluation.decision_reason = REASONS.get(step, "")
            if step in ("pay", "cancel"):
                evaluation.closed_at = entry.created_at
        evaluation.state = state
        evaluation.save()
        if state == S.PAID:
            paid.append(evaluation)
    # Two slips: the first two paid evaluations, then the third.
    for number, group in ((1, paid[:2]), (2, paid[2:])):
        fees = {e.pk: Decimal(FEES[e.evaluation_type]) for e in group}
        slip = PaymentSlip.objects.create(
            number=f"BP{today.year}-{fund.pk:04d}-{number:05d}",
            fund=fund,
            convention=convention,
            partner=partner,
            issued_at=max(e.closed_at for e in group),
            issued_by=fund_admin,
            line_count=len(group),
            total=sum(fees.values()),
        )
        for evaluation in group:
            Evaluation.objects.filter(pk=evaluation.pk).update(
                slip=slip, fee=fees[evaluation.pk], paid_at=evaluation.closed_at
            )
