"""Demo records of the Espace intérimaire (seed_demo): two agencies with sectors, contacts, news and
qualifications; the demo worker registered with both; contracts in every state (one to sign),
advances in every state, a month of planning with a pending slot and an absence, diplomas validated
and pending, six payslips, an attestation and a certificate; the demo client's timesheets of last
week (one sent to the Lyon agency, one validated by Grenoble). Idempotent."""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.enums import Role
from accounts.models import Membership
from core.history import record_transition

from . import pdf
from .enums import (
    AbsenceCode,
    AdvanceState,
    AvailabilityKind,
    ContractState,
    DiplomaState,
    DocumentKind,
    FamilySituation,
    SlotState,
    TimesheetState,
)
from .models import (
    Absence,
    Advance,
    Agency,
    Availability,
    ClientCompany,
    Contract,
    Diploma,
    Document,
    Mission,
    NewsItem,
    PlanningSlot,
    Qualification,
    Sector,
    SectorContact,
    Timesheet,
    TimesheetEntry,
    Worker,
    WorkerQualification,
)

AGENCIES = {
    "agency": {
        "phone": "05 67 31 21 62",
        "email": "agence@coop-emploi.demo",
        "absence_procedure": (
            "Un écrit est obligatoire : par e-mail en priorité au chargé de recrutement de votre secteur, "
            "suivi d'un appel téléphonique à l'agence."
        ),
        "oncall_phone": "06 10 89 66 08",
        "oncall_hours": "samedi 08h-12h et 14h-17h (par SMS ou appel, suivi d'un e-mail au chargé de recrutement)",
        "payroll_info": "Les bulletins de salaire sont déposés sur votre espace entre le 8 et le 10 du mois.",
        "payroll_email": "servicepaie@coop-emploi.demo",
        "transfer_iban": "FR7630004000031234567890143",
        "transfer_bic": "BNPAFRPP",
        "advance_info": (
            "Les acomptes doivent être demandés via la plateforme le mardi soir au plus tard. "
            "Aucun acompte ne peut être versé après le dernier mercredi du mois."
        ),
        "sectors": [
            (
                "Pôle Rhône et Ain",
                [("Lisa Comte", "lisa.comte@coop-emploi.demo"), ("David Moutou", "david.moutou@coop-emploi.demo")],
            ),
            ("Pôle Isère", [("Camille Marie", "camille.marie@coop-emploi.demo")]),
            ("Pôle Éducatif", [("Sema Bolat", "sema.bolat@coop-emploi.demo")]),
        ],
        "news": [
            ("Nouveaux horaires d'accueil", "L'agence vous accueille désormais du lundi au vendredi de 8h30 à 18h.")
        ],
        "number": "1691",
    },
    "agency2": {
        "phone": "04 76 00 00 00",
        "email": "grenoble@coop-emploi.demo",
        "absence_procedure": "Prévenez par e-mail votre chargé de recrutement puis appelez l'agence.",
        "oncall_phone": "06 00 00 00 01",
        "oncall_hours": "samedi 09h-12h",
        "payroll_info": "Les bulletins de salaire sont déposés entre le 8 et le 10 du mois.",
        "payroll_email": "paie-grenoble@coop-emploi.demo",
        "advance_info": "Les acomptes doivent être demandés le mardi soir au plus tard.",
        "sectors": [("Pôle Grenoble", [("Yassine Belkas", "yassine.belkas@coop-emploi.demo")])],
        "news": [("Bienvenue à Grenoble", "L'agence de Grenoble ouvre son espace intérimaire.")],
        "number": "3985",
    },
}

QUALIFICATIONS = [("525", "AGENT DE SERVICE LOGISTIQUE"), ("412", "AIDE-SOIGNANT"), ("310", "MENUISIER")]


def _agency(org, spec):
    fields = {k: v for k, v in spec.items() if k not in ("sectors", "news", "number")}
    agency, _ = Agency.objects.get_or_create(organisation=org, defaults=fields)
    for position, (name, contacts) in enumerate(spec["sectors"]):
        sector, _ = Sector.objects.get_or_create(agency=agency, name=name, defaults={"position": position})
        for contact_name, email in contacts:
            SectorContact.objects.get_or_create(sector=sector, name=contact_name, defaults={"email": email})
    for title, body in spec["news"]:
        NewsItem.objects.get_or_create(agency=agency, title=title, defaults={"body": body})
    for code, label in QUALIFICATIONS:
        Qualification.objects.get_or_create(agency=agency, code=code, defaults={"label": label})
    return agency


def _worker(agency, user, number):
    membership = Membership.objects.get(user=user, organisation_id=agency.pk, role=Role.TEMP_WORKER)
    worker, created = Worker.objects.get_or_create(
        membership=membership,
        defaults={
            "agency": agency,
            "user": user,
            "number": number,
            "nir": "269054958815780",
            "mobility_km": 50,
            "street": "12 rue des Lilas",
            "postcode": "69003",
            "town": "Lyon",
            "iban": "FR7630006000011234567890189",
            "bank_holder": user.get_full_name(),
            "family_situation": FamilySituation.SINGLE,
        },
    )
    return worker, created


def _contract(worker, mission, reference, state, created_at, *, sign_days=3):
    contract = Contract(
        agency=worker.agency,
        worker=worker,
        mission=mission,
        reference=reference,
        state=state,
        created_at=created_at,
        sign_before=(
            created_at + datetime.timedelta(days=sign_days)
            if state in (ContractState.TO_SIGN, ContractState.EXPIRED)
            else None
        ),
        notes=mission.place_name,
    )
    from .signature import set_document

    set_document(contract, pdf.contract_pdf(contract), save=False)
    contract.save()
    record_transition(contract, actor=None, from_state="", to_state=state)
    if state == ContractState.SIGNED:
        _demo_signature(contract)
    return contract


def _demo_signature(contract):
    """The demo's signed contract carries a real certificate page, seal and evidence file."""
    from .enums import AuditEvent
    from .signature import _seal, audit_append

    audit_append(contract, AuditEvent.SENT, at=contract.created_at)
    contract.signed_at = contract.created_at + datetime.timedelta(hours=2)
    contract.save(update_fields=["signed_at"])
    signed = audit_append(
        contract,
        AuditEvent.SIGNED,
        actor=contract.worker.user,
        at=contract.signed_at,
        data={
            "document_sha256": contract.document_sha256,
            "consent": "J'ai lu le contrat de mission et je l'accepte. (données de démonstration)",
            "method": "sms_otp",
            "phone_end": "56",
        },
    )
    _seal(contract, signed)


def _demo_timesheet(contract, today, state):
    """Last week's hours as the client entered them (7 h from 13:30 on the mission's weekdays): sent to
    the agency (its queue shows it) or already validated."""
    mission = contract.mission
    for back in (7, 0):  # last week, or this one early in the month (the mission starts on the 1st)
        monday = today - datetime.timedelta(days=today.weekday() + back)
        days = [monday + datetime.timedelta(days=n) for n in range(5)]
        days = [d for d in days if mission.start_date <= d <= mission.end_date]
        if days:
            break
    now = timezone.now()
    timesheet = Timesheet.objects.create(
        contract=contract,
        week_start=monday,
        state=state,
        submitted_at=now,
        decided_at=now if state == TimesheetState.VALIDATED else None,
    )
    TimesheetEntry.objects.bulk_create(
        TimesheetEntry(timesheet=timesheet, date=d, start=datetime.time(13, 30), minutes=420) for d in days
    )
    record_transition(timesheet, actor=None, from_state="", to_state=state)


def _seed_worker(worker, client, today):
    agency = worker.agency
    logistics = Qualification.objects.get(agency=agency, code="525")
    diploma = Diploma.objects.create(
        worker=worker,
        name="CAP Agent de propreté et d'hygiène",
        obtained_on=datetime.date(2015, 6, 30),
        file=ContentFile(pdf.document_pdf(worker, "Diplôme", "CAP-2015"), name="cap.pdf"),
        state=DiplomaState.VALIDATED,
        decided_at=timezone.now(),
    )
    WorkerQualification.objects.get_or_create(worker=worker, qualification=logistics, defaults={"diploma": diploma})
    Diploma.objects.create(
        worker=worker,
        name="Diplôme d'État d'aide-soignant",
        obtained_on=datetime.date(2023, 7, 1),
        file=ContentFile(pdf.document_pdf(worker, "Diplôme", "DEAS-2023"), name="deas.pdf"),
    )
    first = today.replace(day=1)
    mission = Mission.objects.create(
        agency=agency,
        client=client,
        qualification=logistics,
        place_name="RESIDENCE JEAN XXIII",
        street="96 rue Jean XXIII",
        town="Rodez",
        postcode="12000",
        start_date=first,
        end_date=first + datetime.timedelta(days=27),
        hours="13:30-20:30",
        hourly_rate=Decimal("12.50"),
    )
    now = timezone.now()
    prefix = worker.number
    signed = _contract(worker, mission, f"{prefix}-001", ContractState.SIGNED, now - datetime.timedelta(days=20))
    _contract(worker, mission, f"{prefix}-002", ContractState.TO_SIGN, now - datetime.timedelta(hours=5))
    _contract(worker, mission, f"{prefix}-003", ContractState.AWAITING, now - datetime.timedelta(days=1))
    _contract(worker, mission, f"{prefix}-004", ContractState.CANCELLED, now - datetime.timedelta(days=40))
    _contract(worker, mission, f"{prefix}-005", ContractState.EXPIRED, now - datetime.timedelta(days=6))
    # A month of planning: weekdays validated, the last one pending, one absence.
    day = first
    while day.month == first.month:
        if day.weekday() < 5:
            state = SlotState.PENDING if day.day > 25 else SlotState.VALIDATED
            PlanningSlot.objects.create(
                worker=worker, contract=signed, date=day, start=datetime.time(13, 30), minutes=420, state=state
            )
        day += datetime.timedelta(days=1)
    _demo_timesheet(signed, today, TimesheetState.SUBMITTED if worker.number == "1691" else TimesheetState.VALIDATED)
    Absence.objects.create(
        worker=worker,
        date=first + datetime.timedelta(days=13),
        start=datetime.time(21, 0),
        minutes=180,
        code=AbsenceCode.FER,
    )
    Availability.objects.create(
        worker=worker,
        kind=AvailabilityKind.UNAVAILABLE,
        start_date=first + datetime.timedelta(days=14),
        end_date=first + datetime.timedelta(days=15),
    )
    for amount, state, reason, days_ago in (
        (Decimal("100"), AdvanceState.PENDING, "", 0),
        (Decimal("150"), AdvanceState.ACCEPTED, "", 3),
        (Decimal("200"), AdvanceState.REFUSED, "2 demandes regroupées en une", 10),
        (Decimal("120"), AdvanceState.PAID, "", 20),
        (Decimal("80"), AdvanceState.CANCELLED, "", 30),
    ):
        created = now - datetime.timedelta(days=days_ago)
        from .payroll import payment_date_for

        payment = payment_date_for(created).date
        advance = Advance.objects.create(
            worker=worker,
            amount=amount,
            state=state,
            decision_reason=reason,
            payment_date=payment,
            created_at=created,
            paid_at=timezone.make_aware(datetime.datetime.combine(payment, datetime.time(10)))
            if state == AdvanceState.PAID
            else None,
        )
        record_transition(advance, actor=None, from_state="", to_state=state, reason=reason)
    for months_back in range(1, 7):
        period = first
        for _ in range(months_back):
            period = (period - datetime.timedelta(days=1)).replace(day=1)
        last_day = (period + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        number = f"{worker.number}_{last_day:%Y%m%d}"
        Document.objects.create(
            worker=worker,
            kind=DocumentKind.PAYSLIP,
            number=number,
            period=period,
            file=ContentFile(pdf.payslip_pdf(worker, number, period), name=f"{number}.pdf"),
            added_at=timezone.make_aware(
                datetime.datetime.combine(last_day + datetime.timedelta(days=9), datetime.time(9))
            ),
        )
    for kind, title in (
        (DocumentKind.ATTESTATION, "Attestation employeur"),
        (DocumentKind.CERTIFICATE, "Certificat de travail"),
    ):
        number = f"{worker.number}_{kind[:3].upper()}_1"
        Document.objects.create(
            worker=worker,
            kind=kind,
            number=number,
            period=first - datetime.timedelta(days=40),
            file=ContentFile(pdf.document_pdf(worker, title, number), name=f"{number}.pdf"),
        )


def seed(*, orgs, users):
    agencies = {key: _agency(orgs[key], spec) for key, spec in AGENCIES.items()}
    client, _ = ClientCompany.objects.get_or_create(organisation=orgs["client"], defaults={"phone": "05 65 77 59 00"})
    user = users["interimaire@exemple.demo"]
    if not user.phone:
        user.phone = "+33612345656"
        user.civility = user.Civility.MME
        user.save(update_fields=["phone", "civility"])
    today = timezone.localdate()
    for key, agency in agencies.items():
        worker, created = _worker(agency, user, AGENCIES[key]["number"])
        if created:
            _seed_worker(worker, client, today)
            _seed_targeting(worker, client, today)


def _seed_targeting(worker, client, today):
    """A mission to fill next month, offered to the demo worker (an open targeting)."""
    from .models import Targeting, TargetingOffer

    start = (today.replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    mission = Mission.objects.create(
        agency=worker.agency,
        client=client,
        qualification=Qualification.objects.get(agency=worker.agency, code="525"),
        place_name="ENTREPÔT LOGISTIQUE SUD",
        street="12 avenue de Toulouse",
        town="Rodez",
        postcode="12000",
        access="Bus ligne 2, arrêt Zone d'activités",
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        start_time=datetime.time(6, 0),
        end_time=datetime.time(13, 0),
        hours="06:00-13:00",
        hourly_rate=Decimal("12.80"),
    )
    targeting = Targeting.objects.create(agency=worker.agency, mission=mission)
    TargetingOffer.objects.create(targeting=targeting, worker=worker)
    record_transition(targeting, actor=None, from_state="", to_state=targeting.state, action="add")
