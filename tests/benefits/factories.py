"""Factories of the Prestations space, with traits per state, and small real scan files."""

import datetime
import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from accounts.enums import OrganisationKind, Role
from benefits import services
from benefits.catalogue import BACK_TO_SCHOOL, CHILD_HOLIDAYS, COOPERATOR_HOLIDAYS, SPORT_CULTURE
from benefits.enums import LegalForm, Package, Relationship, RequestState
from benefits.models import BenefitRequest, BenefitType, Contribution, Cooperative, Cooperator, Dependant
from tests.accounts.factories import OrganisationFactory, member


def this_year():
    return timezone.localdate().year


def catalogue(year=None):
    """The catalogue and the tariffs of `year` (this year by default): {code: BenefitType}."""
    return services.benefit_types_ensure(with_tariffs_for=[year or this_year()])


def benefit_type(code=CHILD_HOLIDAYS):
    return catalogue()[code]


class UnionFactory(OrganisationFactory):
    kind = OrganisationKind.UNION
    name = factory.Sequence(lambda n: f"Union {n}")


class CooperativeFactory(DjangoModelFactory):
    class Meta:
        model = Cooperative

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.COOPERATIVE)
    union = factory.SubFactory(UnionFactory)
    legal_form = LegalForm.SCOP
    package = Package.PRESTASUP
    address = "12 rue des Canaux"
    postcode = "69001"
    city = "Lyon"

    class Params:
        scic = factory.Trait(legal_form=LegalForm.SCIC)
        other = factory.Trait(legal_form=LegalForm.OTHER)
        presta = factory.Trait(package=Package.PRESTA)
        prestabat = factory.Trait(package=Package.PRESTABAT)


def cooperative_of(membership, **fields):
    """The Cooperative of a coop membership's organisation (created, under a new union, if missing)."""
    existing = Cooperative.objects.filter(organisation=membership.organisation).first()
    return existing or CooperativeFactory(organisation=membership.organisation, **fields)


def union_cooperative(membership, **fields):
    """A new cooperative of an officer membership's union."""
    return CooperativeFactory(union=membership.organisation, **fields)


class CooperatorFactory(DjangoModelFactory):
    class Meta:
        model = Cooperator

    cooperative = factory.SubFactory(CooperativeFactory)
    family_number = factory.Sequence(lambda n: f"F{500000 + n:06d}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda o: f"{o.family_number.lower()}@exemple.test")
    entry_date = datetime.date(2020, 1, 6)
    weekly_hours = Decimal("35")
    address = "3 place du Marché"
    postcode = "69002"
    city = "Lyon"
    birth_date = datetime.date(1985, 5, 17)

    class Params:
        left = factory.Trait(exit_date=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30)))


def cooperator_with_account(cooperative=None, **fields):
    """A cooperator with a login (cooperator membership in their cooperative)."""
    cooperative = cooperative or CooperativeFactory()
    cooperator = CooperatorFactory(cooperative=cooperative, **fields)
    cooperator.user = member(
        Role.COOPERATOR,
        organisation=cooperative.organisation,
        identifier=cooperator.login_identifier,
        first_name=cooperator.first_name,
        last_name=cooperator.last_name,
        email=cooperator.email,
    )
    cooperator.save(update_fields=["user"])
    return cooperator


def years_ago(years, days=0):
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


class DependantFactory(DjangoModelFactory):
    class Meta:
        model = Dependant

    cooperator = factory.SubFactory(CooperatorFactory)
    relationship = Relationship.CHILD
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.LazyAttribute(lambda o: o.cooperator.last_name)
    birth_date = factory.LazyFunction(lambda: years_ago(10))
    declared_on_tax_return = True

    class Params:
        spouse = factory.Trait(relationship=Relationship.SPOUSE, birth_date=factory.LazyFunction(lambda: years_ago(38)))


class BenefitRequestFactory(DjangoModelFactory):
    """A request written directly (no eligibility check): use services.request_create to test the rules."""

    class Meta:
        model = BenefitRequest

    cooperator = factory.SubFactory(CooperatorFactory)
    cooperative = factory.LazyAttribute(lambda o: o.cooperator.cooperative)
    dependant = None
    benefit_type = factory.LazyFunction(lambda: benefit_type(SPORT_CULTURE))
    year = factory.LazyFunction(this_year)
    state = RequestState.ENTERED

    class Params:
        awaiting = factory.Trait(state=RequestState.AWAITING)
        processing = factory.Trait(state=RequestState.PROCESSING, amount=Decimal("60.00"))
        paid = factory.Trait(
            state=RequestState.PAID, amount=Decimal("60.00"), payment_date=factory.LazyFunction(timezone.localdate)
        )
        refused = factory.Trait(state=RequestState.REFUSED, decision_reason="Pièce illisible")
        withdrawn = factory.Trait(state=RequestState.WITHDRAWN)


class ContributionFactory(DjangoModelFactory):
    class Meta:
        model = Contribution

    cooperative = factory.SubFactory(CooperativeFactory)
    kind = "call"
    year = factory.LazyFunction(this_year)
    label = factory.Sequence(lambda n: f"Appel {n}")
    amount = Decimal("250.00")
    date = factory.LazyFunction(timezone.localdate)


# --- Scans -----------------------------------------------------------------------------------------


def pdf_bytes():
    """A minimal valid one-page PDF (correct cross-reference offsets)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(size=(12, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def scan(name="facture.pdf", data=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


def checked_scan(name="facture.pdf", data=None):
    """An upload as PrivateFileField cleans it (original_name, upload_info)."""
    from core.files import PrivateFileField

    return PrivateFileField().clean(scan(name, data))


__all__ = [
    "BACK_TO_SCHOOL",
    "CHILD_HOLIDAYS",
    "COOPERATOR_HOLIDAYS",
    "SPORT_CULTURE",
    "BenefitType",
]
