"""The agency's missions, contracts and targetings (ciblage): every write, keyword-only and atomic.

    mission = mission_create(agency=agency, actor=user, client=client, qualification=q, ...)
    contract = contract_create(mission=mission, worker=worker, actor=user)       # generated PDF
    contract = contract_create(mission=mission, worker=worker, actor=user, document=uploaded_pdf)
    signature.contract_send(contract_id=contract.pk, scope=..., actor=user)     # the worker is told
    contract_dates_change(contract_id=..., scope=..., start_date=..., end_date=..., actor=user)

    targeting = targeting_open(mission=mission, worker_ids=[...], actor=user)  # qualified and available
    offer_answer(offer_id=..., scope=selectors.offers_for(worker_membership), step="interest", actor=user)
    offer_assign(offer_id=..., scope=..., actor=user)                           # makes the contract
    targeting_close(targeting_id=..., scope=..., actor=user)                    # the others are told

A signed contract whose dates change goes back to "to sign": its amendment (avenant) is a new
document, and the signed one is kept on the ContractAmendment row (nothing is lost).
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history
from core.notifications import emit

from . import notifications as events
from . import pdf, signature
from .enums import AuditEvent, AvailabilityKind, ContractState, OfferState, SlotState, TargetingState
from .models import (
    Agency,
    Availability,
    Contract,
    ContractAmendment,
    Mission,
    PlanningSlot,
    Targeting,
    TargetingOffer,
    Worker,
    WorkerQualification,
)

ACTIVE_CONTRACT_STATES = (ContractState.AWAITING, ContractState.TO_SIGN, ContractState.SIGNED)
SIGN_DELAY = datetime.timedelta(days=2)


def _check_dates(start_date, end_date, *, start_field="start_date", end_field="end_date"):
    if start_date and end_date and end_date < start_date:
        raise ValidationError({end_field: [_("La date de fin est avant la date de début.")]})


def _check_times(start_time, end_time):
    if (start_time is None) != (end_time is None):
        raise ValidationError({"end_time": [_("Indiquez les deux heures, ou aucune.")]})
    if start_time and end_time and end_time <= start_time:
        raise ValidationError({"end_time": [_("L’heure de fin est avant l’heure de début.")]})


def hours_label(start_time, end_time):
    if start_time is None or end_time is None:
        return ""
    return f"{start_time:%H:%M}-{end_time:%H:%M}"


# --- Missions -----------------------------------------------------------------------------------


@transaction.atomic
def mission_create(
    *,
    agency: Agency,
    actor,
    client,
    qualification,
    street: str,
    postcode: str,
    town: str,
    start_date: datetime.date,
    end_date: datetime.date,
    place_name: str = "",
    access: str = "",
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    weekdays: str = "12345",
    hourly_rate=None,
) -> Mission:
    if qualification.agency_id != agency.pk:
        raise ValidationError({"qualification": [_("Cette qualification n’est pas une qualification de l’agence.")]})
    _check_dates(start_date, end_date)
    _check_times(start_time, end_time)
    weekdays = "".join(sorted(set(weekdays or "")))
    if not weekdays or not set(weekdays) <= set("1234567"):
        raise ValidationError({"weekdays": [_("Choisissez au moins un jour travaillé.")]})
    mission = Mission(
        agency=agency,
        client=client,
        qualification=qualification,
        place_name=place_name.strip(),
        street=street.strip(),
        postcode=postcode.strip(),
        town=town.strip(),
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        weekdays=weekdays,
        hours=hours_label(start_time, end_time) or _("Selon planning"),
    )
    if access.strip():
        mission.access = access.strip()
    if hourly_rate is not None:
        mission.hourly_rate = hourly_rate
    mission.full_clean()
    mission.save()
    history.record_transition(mission, actor=actor, from_state="", to_state="", action="add")
    return mission


def _slot_days(mission):
    day = mission.start_date
    while day <= mission.end_date:
        if str(day.isoweekday()) in mission.weekdays:
            yield day
        day += datetime.timedelta(days=1)


def _minutes(mission):
    start = datetime.datetime.combine(datetime.date.min, mission.start_time)
    end = datetime.datetime.combine(datetime.date.min, mission.end_time)
    return int((end - start).total_seconds() // 60)


def _sync_slots(contract):
    """The contract's planning slots follow the mission's dates, hours and days (validated ones stay)."""
    mission = contract.mission
    if mission.start_time is None or mission.end_time is None:
        return
    slots = PlanningSlot.objects.filter(contract=contract)
    outside = slots.exclude(date__range=(mission.start_date, mission.end_date))
    if outside.filter(state=SlotState.VALIDATED).exists():
        raise ValidationError(
            {"start_date": [_("Des heures validées existent en dehors de ces dates : elles ne peuvent pas changer.")]}
        )
    outside.delete()
    existing = set(slots.values_list("date", flat=True))
    PlanningSlot.objects.bulk_create(
        PlanningSlot(
            worker_id=contract.worker_id,
            contract=contract,
            date=day,
            start=mission.start_time,
            minutes=_minutes(mission),
            state=SlotState.PENDING,
        )
        for day in _slot_days(mission)
        if day not in existing
    )


# --- Contracts ----------------------------------------------------------------------------------


def _next_reference(agency):
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # one reference at a time per agency
    year = timezone.localdate().year
    taken = Contract.objects.filter(agency=agency, reference__startswith=f"{year}-").count()
    number = taken + 1
    while Contract.objects.filter(agency=agency, reference=f"{year}-{number:05d}").exists():
        number += 1
    return f"{year}-{number:05d}"


def worker_is_qualified(worker, qualification) -> bool:
    return WorkerQualification.objects.filter(worker=worker, qualification=qualification).exists()


@transaction.atomic
def contract_create(
    *,
    mission: Mission,
    worker: Worker,
    actor,
    document=None,
    reference: str = "",
    notes: str = "",
    sign_before: datetime.datetime | None = None,
    request=None,
) -> Contract:
    """A contract for the mission, awaiting its sending: the uploaded PDF (checked by content by the
    form) or, without one, the PDF generated from the mission's data."""
    if worker.agency_id != mission.agency_id:
        raise ValidationError({"worker": [_("Cet intérimaire n’est pas inscrit dans l’agence.")]})
    if not worker_is_qualified(worker, mission.qualification):
        raise ValidationError(
            {"worker": [_("Cet intérimaire n’a pas la qualification de la mission (diplôme validé requis).")]}
        )
    reference = (reference or "").strip() or _next_reference(mission.agency)
    if Contract.objects.filter(agency_id=mission.agency_id, reference=reference).exists():
        raise ValidationError({"reference": [_("Cette référence est déjà celle d’un autre contrat de l’agence.")]})
    contract = Contract(
        agency_id=mission.agency_id,
        worker=worker,
        mission=mission,
        reference=reference,
        state=ContractState.AWAITING,
        notes=notes.strip(),
        sign_before=sign_before or timezone.now() + SIGN_DELAY,
    )
    contract.mission = mission
    contract.worker = worker
    if document is not None:
        document.seek(0)
        data = document.read()
        source = "upload"
    else:
        data = pdf.contract_pdf(contract)
        source = "template"
    signature.set_document(contract, data, save=False)
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        raise ValidationError(
            {"reference": [_("Cette référence est déjà celle d’un autre contrat de l’agence.")]}
        ) from None
    history.record_transition(contract, actor=actor, from_state="", to_state=contract.state, action="add")
    signature.audit_append(
        contract,
        AuditEvent.CREATED,
        actor=actor,
        request=request,
        data={"document_sha256": contract.document_sha256, "source": source},
    )
    _sync_slots(contract)
    return contract


@transaction.atomic
def contract_dates_change(
    *, contract_id, scope, start_date, end_date, actor, reason: str = "", request=None
) -> ContractAmendment:
    """Changes the mission dates of a contract. The worker is told ("Modification d'une date sur un
    contrat", per their switch). A signed contract goes back to "to sign" with an amendment to sign;
    an unsigned one gets its document made again with the new dates. The earlier documents are kept."""
    from .workflows import CONTRACT

    contract = scope.select_for_update(of=("self",)).select_related("mission").get(pk=contract_id)
    if contract.state not in ACTIVE_CONTRACT_STATES:
        raise history.TransitionNotAllowed(
            current=contract.state, allowed=list(ACTIVE_CONTRACT_STATES), current_label=contract.get_state_display()
        )
    _check_dates(start_date, end_date)
    mission = Mission.objects.select_for_update().get(pk=contract.mission_id)
    if (mission.start_date, mission.end_date) == (start_date, end_date):
        raise ValidationError({"start_date": [_("Ces dates sont déjà celles du contrat.")]})
    if mission.contracts.filter(state__in=ACTIVE_CONTRACT_STATES).exclude(pk=contract.pk).exists():
        raise ValidationError(_("Cette mission a d’autres contrats en cours : changez leurs dates un par un."))
    was_signed = contract.state == ContractState.SIGNED
    amendment = ContractAmendment(
        contract=contract,
        number=contract.amendments.count() + 1,
        previous_start=mission.start_date,
        previous_end=mission.end_date,
        start_date=start_date,
        end_date=end_date,
        was_signed=was_signed,
        previous_document=contract.document.name,
        previous_document_sha256=contract.document_sha256,
        previous_signed_document=contract.signed_document.name if contract.signed_document else "",
        previous_signed_sha256=contract.signed_sha256,
        previous_signed_at=contract.signed_at,
        reason=reason.strip()[:300],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    amendment.save()
    mission.start_date, mission.end_date = start_date, end_date
    mission.save(update_fields=["start_date", "end_date"])
    contract.mission = mission
    _sync_slots(contract)
    data = pdf.amendment_pdf(contract, amendment) if was_signed else pdf.contract_pdf(contract)
    contract.document.save(
        f"contrat-{contract.reference}-avenant-{amendment.number}.pdf", ContentFile(data), save=False
    )
    contract.document_sha256 = signature.sha256(data)
    fields = ["document", "document_sha256"]
    if was_signed:
        contract.signed_document = ""
        contract.signed_at = None
        contract.signed_sha256 = ""  # the earlier signed PDF is still verified, through its amendment
        contract.evidence = ""
        fields += ["signed_document", "signed_at", "signed_sha256", "evidence"]
    contract.save(update_fields=fields)
    signature.audit_append(
        contract,
        AuditEvent.AMENDED,
        actor=actor,
        request=request,
        data={
            "amendment": amendment.number,
            "from": [amendment.previous_start.isoformat(), amendment.previous_end.isoformat()],
            "to": [start_date.isoformat(), end_date.isoformat()],
            "document_sha256": contract.document_sha256,
            "previous_signed_sha256": amendment.previous_signed_sha256,
        },
    )
    if was_signed:
        contract.sign_before = timezone.now() + SIGN_DELAY
        contract.save(update_fields=["sign_before"])
        CONTRACT.run("amend", contract, actor=actor, scope=scope, reason=amendment.reason)
    else:
        history.record_event(contract, actor=actor, action="dates", reason=amendment.reason)
        emit(events.CONTRACT_DATE_CHANGED, contract, actor=actor, reason=amendment.reason)
    return amendment


# --- Targeting (ciblage) ------------------------------------------------------------------------


def candidates_for(mission):
    """Workers of the mission's agency holding its qualification and free on its dates: no declared
    unavailability and no other contract in progress overlapping them."""
    overlapping = Q(start_date__lte=mission.end_date, end_date__gte=mission.start_date)
    unavailable = Availability.objects.filter(overlapping, worker=OuterRef("pk"), kind=AvailabilityKind.UNAVAILABLE)
    available = Availability.objects.filter(
        worker=OuterRef("pk"),
        kind=AvailabilityKind.AVAILABLE,
        start_date__lte=mission.start_date,
        end_date__gte=mission.end_date,
    )
    busy = Contract.objects.filter(
        worker=OuterRef("pk"),
        state__in=ACTIVE_CONTRACT_STATES,
        mission__start_date__lte=mission.end_date,
        mission__end_date__gte=mission.start_date,
    )
    qualified = WorkerQualification.objects.filter(worker=OuterRef("pk"), qualification_id=mission.qualification_id)
    return (
        Worker.objects.filter(agency_id=mission.agency_id, membership__is_active=True)
        .filter(Exists(qualified))
        .exclude(Exists(unavailable))
        .exclude(Exists(busy))
        .annotate(declared_available=Exists(available))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


@transaction.atomic
def targeting_open(*, mission: Mission, worker_ids, actor) -> Targeting:
    ids = {int(pk) for pk in worker_ids}
    if not ids:
        raise ValidationError({"workers": [_("Choisissez au moins un intérimaire.")]})
    workers = list(candidates_for(mission).filter(pk__in=ids))
    if len(workers) != len(ids):
        raise ValidationError(
            {"workers": [_("Certains intérimaires ne sont plus qualifiés ou disponibles : rechargez la page.")]}
        )
    Mission.objects.select_for_update().filter(pk=mission.pk).first()
    if Targeting.objects.filter(mission=mission, state=TargetingState.OPEN).exists():
        raise ValidationError(_("Un ciblage est déjà ouvert pour cette mission."))
    targeting = Targeting.objects.create(
        agency_id=mission.agency_id, mission=mission, created_by=actor if getattr(actor, "pk", None) else None
    )
    TargetingOffer.objects.bulk_create(TargetingOffer(targeting=targeting, worker=worker) for worker in workers)
    history.record_transition(targeting, actor=actor, from_state="", to_state=TargetingState.OPEN, action="add")
    return targeting


def _check_open(targeting_id):
    targeting = Targeting.objects.select_for_update().get(pk=targeting_id)
    if targeting.state != TargetingState.OPEN:
        raise ValidationError(_("Ce ciblage est fermé."))
    return targeting


@transaction.atomic
def offer_answer(*, offer_id, scope, step: str, actor) -> TargetingOffer:
    from .workflows import OFFER

    if step not in ("interest", "decline"):
        raise ValidationError(_("Réponse inconnue."))
    offer = scope.get(pk=offer_id)
    _check_open(offer.targeting_id)
    return OFFER.run(step, offer_id, actor=actor, scope=scope)


@transaction.atomic
def offer_assign(*, offer_id, scope, actor, request=None) -> TargetingOffer:
    """Assigns the mission to an interested worker: their contract is made (to send for signature)."""
    from .workflows import OFFER

    offer = scope.select_related("targeting__mission", "worker").get(pk=offer_id)
    targeting = _check_open(offer.targeting_id)
    if targeting.offers.filter(state=OfferState.ASSIGNED).exists():
        raise ValidationError(_("La mission est déjà attribuée : fermez le ciblage."))
    offer = OFFER.run("assign", offer_id, actor=actor, scope=scope)
    contract = contract_create(mission=targeting.mission, worker=offer.worker, actor=actor, request=request)
    offer.contract = contract
    offer.save(update_fields=["contract"])
    return offer


@transaction.atomic
def targeting_close(*, targeting_id, scope, actor) -> Targeting:
    """Closes the targeting; every worker offered it and not assigned is told (per their switch)."""
    from .workflows import OFFER, TARGETING

    targeting = TARGETING.run("close", targeting_id, actor=actor, scope=scope)
    offers = TargetingOffer.objects.filter(
        targeting=targeting, state__in=(OfferState.OFFERED, OfferState.INTERESTED, OfferState.DECLINED)
    ).select_related("worker__user", "worker__agency__organisation")
    for offer in offers:
        OFFER.run("close", offer, actor=actor, check_perm=False)
    return targeting


history.register_action("dates", "Modification des dates")
