"""Factories of the Espace intérimaire, with helpers returning a worker of an agency."""

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.enums import OrganisationKind, Role
from interim import pdf
from interim.enums import AdvanceState, ChangeGroup, ContractState, DocumentKind, SlotState, TimesheetState
from interim.models import (
    Advance,
    Agency,
    ClientCompany,
    Contract,
    Diploma,
    Document,
    DocumentRequest,
    Mission,
    PlanningSlot,
    ProfileChange,
    Qualification,
    Timesheet,
    TimesheetEntry,
    Worker,
)
from interim.signature import set_document
from tests.accounts.factories import MembershipFactory, OrganisationFactory, UserFactory


def pdf_bytes(title="Document"):
    return pdf._page(title, [title])


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.AGENCY)
    phone = "05 67 31 21 62"
    absence_procedure = "Un écrit est obligatoire."
    oncall_phone = "06 10 89 66 08"
    oncall_hours = "samedi 08h-12h"
    payroll_info = "Entre le 8 et le 10 du mois."
    advance_info = "Le mardi soir au plus tard."


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = ClientCompany

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CLIENT_COMPANY)
    phone = "0565775900"


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"{500 + n}")
    label = "AGENT DE SERVICE LOGISTIQUE"


class WorkerFactory(DjangoModelFactory):
    class Meta:
        model = Worker

    agency = factory.SubFactory(AgencyFactory)
    user = factory.SubFactory(UserFactory, phone="+33612345656")
    membership = factory.LazyAttribute(
        lambda o: MembershipFactory(user=o.user, organisation=o.agency.organisation, role=Role.TEMP_WORKER)
    )
    number = factory.Sequence(lambda n: f"{1000 + n}")
    nir = "269054958815780"
    street = "12 rue des Lilas"
    postcode = "69003"
    town = "Lyon"
    iban = "FR7630006000011234567890189"
    bank_holder = "Inès Terim"


def worker_in(agency, user=None, **fields):
    """A worker file of `user` (a new one by default) with `agency`."""
    kwargs = {"agency": agency, **fields}
    if user is not None:
        kwargs["user"] = user
    return WorkerFactory(**kwargs)


def staff_of(agency):
    return MembershipFactory(organisation=agency.organisation, role=Role.AGENCY_STAFF).user


class MissionFactory(DjangoModelFactory):
    class Meta:
        model = Mission

    agency = factory.SubFactory(AgencyFactory)
    client = factory.SubFactory(ClientFactory)
    qualification = factory.LazyAttribute(lambda o: QualificationFactory(agency=o.agency))
    place_name = "RESIDENCE JEAN XXIII"
    street = "96 rue Jean XXIII"
    town = "Rodez"
    postcode = "12000"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=2))
    end_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    hourly_rate = Decimal("12.00")


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    worker = factory.SubFactory(WorkerFactory)
    agency = factory.SelfAttribute("worker.agency")
    mission = factory.LazyAttribute(lambda o: MissionFactory(agency=o.worker.agency))
    reference = factory.Sequence(lambda n: f"{42000 + n}")
    state = ContractState.TO_SIGN
    sign_before = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))

    @factory.post_generation
    def with_document(obj, create, extracted, **kwargs):
        if create and not obj.document:
            set_document(obj, pdf.contract_pdf(obj))


class ChangeFactory(DjangoModelFactory):
    class Meta:
        model = ProfileChange

    worker = factory.SubFactory(WorkerFactory)
    group = ChangeGroup.ADDRESS
    proposed = factory.LazyFunction(lambda: {"street": "3 place Bellecour", "postcode": "69002", "town": "Lyon"})


class DiplomaFactory(DjangoModelFactory):
    class Meta:
        model = Diploma

    worker = factory.SubFactory(WorkerFactory)
    name = "CAP Agent de propreté"
    obtained_on = datetime.date(2015, 6, 30)
    file = factory.LazyFunction(lambda: ContentFile(pdf._page("Diplôme", ["CAP"]), name="cap.pdf"))


class AdvanceFactory(DjangoModelFactory):
    class Meta:
        model = Advance

    worker = factory.SubFactory(WorkerFactory)
    amount = Decimal("100")
    state = AdvanceState.PENDING
    payment_date = factory.LazyFunction(timezone.localdate)


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = PlanningSlot

    contract = factory.SubFactory(ContractFactory)
    worker = factory.SelfAttribute("contract.worker")
    date = factory.LazyFunction(timezone.localdate)
    start = datetime.time(13, 30)
    minutes = 420
    state = SlotState.VALIDATED


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    worker = factory.SubFactory(WorkerFactory)
    kind = DocumentKind.PAYSLIP
    number = factory.Sequence(lambda n: f"1691_{n:08d}")
    period = datetime.date(2026, 1, 1)
    file = factory.LazyAttribute(
        lambda o: ContentFile(pdf._page(f"Bulletin {o.number}", [o.number]), name=f"{o.number}.pdf")
    )


class DocumentRequestFactory(DjangoModelFactory):
    class Meta:
        model = DocumentRequest

    worker = factory.SubFactory(WorkerFactory)
    kind = DocumentKind.ATTESTATION


def agency_of(membership):
    """The Agency row of the membership's organisation (created if needed)."""
    return Agency.objects.get_or_create(organisation=membership.organisation)[0]


def worker_of(membership):
    """The worker file of a temp_worker membership (created if needed)."""
    existing = Worker.objects.filter(membership=membership).first()
    if existing is not None:
        return existing
    return WorkerFactory(membership=membership, user=membership.user, agency=agency_of(membership))


def client_of(membership):
    """The ClientCompany row of a client_user membership's organisation (created if needed)."""
    return ClientCompany.objects.get_or_create(organisation=membership.organisation)[0]


def placed_contract(client, worker=None, **fields):
    """A signed contract of `worker` (a new one by default) for a mission of `client` this week."""
    worker = worker or WorkerFactory()
    mission_fields = {k[len("mission__") :]: fields.pop(k) for k in list(fields) if k.startswith("mission__")}
    mission = MissionFactory(agency=worker.agency, client=client, **mission_fields)
    return ContractFactory(worker=worker, mission=mission, state=ContractState.SIGNED, sign_before=None, **fields)


class TimesheetFactory(DjangoModelFactory):
    class Meta:
        model = Timesheet

    contract = factory.LazyFunction(lambda: placed_contract(ClientFactory()))
    week_start = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    )
    state = TimesheetState.SUBMITTED


def timesheet_with_hours(contract, *, state=TimesheetState.SUBMITTED, minutes=480, days=(0, 1, 2)):
    """A timesheet of this week with `minutes` from 08:00 on the given weekdays (Monday = 0)."""
    timesheet = TimesheetFactory(contract=contract, state=state)
    for offset in days:
        TimesheetEntry.objects.create(
            timesheet=timesheet,
            date=timesheet.week_start + datetime.timedelta(days=offset),
            start=datetime.time(8, 0),
            minutes=minutes,
        )
    return timesheet
