"""Demo records of the Prestations space (called by `manage.py seed_demo`): idempotent.

The Scop (PRESTASUP) and the Scic (PRESTA) of the demo, their cooperators and families, this year's
and last year's tariffs, contributions, and requests in every state: entered by the HR manager,
entered by the cooperator and waiting for approval, being processed, paid, refused, withdrawn.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from . import services
from .catalogue import BACK_TO_SCHOOL, CHILD_HOLIDAYS, SPORT_CULTURE
from .enums import ContributionKind, FamilyDocumentKind, LegalForm, Package, Relationship
from .models import BenefitRequest, Contribution, Cooperative, Cooperator, FamilyDocument

DEMO_IBAN = "FR7630006000011234567890189"


def demo_pdf(title):
    """A one-page PDF saying it is a demo document (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 770, title)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 740, "Document de démonstration : les données sont fictives.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _scan(name, title):
    from core.files import PrivateFileField

    return PrivateFileField().clean(SimpleUploadedFile(name, demo_pdf(title), content_type="application/pdf"))


def _years_ago(years, months=0):
    today = timezone.localdate()
    return datetime.date(today.year - years, max(1, today.month - months), min(today.day, 28))


COOPERATORS = {
    "scop": [
        # family number, first name, last name, entry, hours, email, exit (days ago), family
        ("F004217", "Denise", "Martin", datetime.date(2015, 9, 1), "35", "denise.martin@ateliers-canal.demo", None),
        ("F004218", "Paul", "Bernard", datetime.date(2018, 3, 12), "35", "paul.bernard@ateliers-canal.demo", None),
        ("F004219", "Sofia", "Lopes", datetime.date(2021, 1, 4), "28", "sofia.lopes@ateliers-canal.demo", None),
        ("F004220", "Hugo", "Petit", datetime.date(2012, 6, 1), "35", "hugo.petit@ateliers-canal.demo", 40),
        ("F004221", "Nadia", "Roux", datetime.date(2023, 2, 1), "17.5", "nadia.roux@ateliers-canal.demo", None),
    ],
    "scic": [
        ("F007301", "Karim", "Benali", datetime.date(2019, 10, 1), "35", "karim.benali@energies.demo", None),
        ("F007302", "Léa", "Fournier", datetime.date(2022, 5, 16), "24", "lea.fournier@energies.demo", None),
    ],
}


@transaction.atomic
def seed(*, orgs, users):
    today = timezone.localdate()
    types = services.benefit_types_ensure(with_tariffs_for=[today.year - 1, today.year])
    union = orgs["union"]
    officer = users.get("gestion@union.demo")
    manager = users.get("rh@ateliers-canal.demo")
    coops = {
        "scop": _cooperative(orgs["scop"], union, LegalForm.SCOP, Package.PRESTASUP, "8 quai du Canal", "69009"),
        "scic": _cooperative(orgs["scic"], union, LegalForm.SCIC, Package.PRESTA, "2 rue du Soleil", "38000"),
    }
    cooperators = {}
    for key, rows in COOPERATORS.items():
        for number, first, last, entry, hours, email, left_days_ago in rows:
            cooperator, created = Cooperator.objects.get_or_create(
                family_number=number,
                defaults={
                    "cooperative": coops[key],
                    "first_name": first,
                    "last_name": last,
                    "entry_date": entry,
                    "weekly_hours": Decimal(hours),
                    "email": email,
                    "address": "5 rue de la Demo",
                    "postcode": "69009" if key == "scop" else "38000",
                    "city": "Lyon" if key == "scop" else "Grenoble",
                    "birth_date": datetime.date(1982, 4, 12),
                    "exit_date": today - datetime.timedelta(days=left_days_ago) if left_days_ago else None,
                },
            )
            cooperators[number] = cooperator
    denise = cooperators["F004217"]
    denise_user = users.get("F004217MD")
    if denise_user is not None and denise.user_id is None:
        denise.user = denise_user
        denise.save(update_fields=["user"])
    if denise.dependants.exists():
        return  # already seeded
    lucas = services.dependant_create(
        cooperator=denise,
        actor=officer,
        relationship=Relationship.CHILD,
        first_name="Lucas",
        last_name="Martin",
        birth_date=_years_ago(9, 2),
        declared_on_tax_return=True,
    )
    emma = services.dependant_create(
        cooperator=denise,
        actor=officer,
        relationship=Relationship.CHILD,
        first_name="Emma",
        last_name="Martin",
        birth_date=_years_ago(14, 5),
        declared_on_tax_return=True,
    )
    services.dependant_create(
        cooperator=denise,
        actor=officer,
        relationship=Relationship.SPOUSE,
        first_name="Marc",
        last_name="Martin",
        birth_date=datetime.date(1980, 7, 3),
    )
    paul = cooperators["F004218"]
    paul_child = services.dependant_create(
        cooperator=paul,
        actor=officer,
        relationship=Relationship.CHILD,
        first_name="Inès",
        last_name="Bernard",
        birth_date=_years_ago(7, 1),
        declared_on_tax_return=True,
    )
    # Family documents: Denise's validated, Paul's waiting for the Union.
    for cooperator, validate in ((denise, True), (paul, False)):
        for kind in FamilyDocumentKind:
            document = services.family_document_add(
                cooperator=cooperator,
                kind=kind,
                file=_scan(f"{kind.value}.pdf", str(kind.label)),
                actor=manager,
                iban=DEMO_IBAN if kind == FamilyDocumentKind.BANK_DETAILS else "",
            )
            if validate:
                services.family_document_review(
                    document_id=document.pk, scope=FamilyDocument.objects.all(), actor=officer, validated=True
                )
    everything = BenefitRequest.objects.all()

    def enter(cooperator, code, actor, dependant=None, comment=""):
        return services.request_create(
            cooperator=cooperator,
            benefit_type=types[code],
            actor=actor,
            dependant=dependant,
            files=[_scan("justificatif.pdf", f"Justificatif : {types[code].name}")],
            comment=comment,
        )

    # Grey, waiting for the cooperative's approval (entered by the cooperator, 3 days ago).
    waiting = enter(denise, CHILD_HOLIDAYS, denise_user or manager, lucas, "Colonie de vacances en juillet")
    BenefitRequest.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    # Grey, entered by the HR manager.
    enter(denise, BACK_TO_SCHOOL, manager, emma)
    # Yellow, being processed.
    processing = enter(denise, SPORT_CULTURE, manager, None, "Club de natation")
    services.request_take(request_id=processing.pk, scope=everything, actor=officer)
    # Blue, paid.
    paid = enter(paul, SPORT_CULTURE, manager)
    services.request_take(request_id=paid.pk, scope=everything, actor=officer)
    services.request_pay(request_id=paid.pk, scope=everything, actor=officer, payment_date=today)
    paid_child = enter(paul, BACK_TO_SCHOOL, manager, paul_child)
    services.request_take(request_id=paid_child.pk, scope=everything, actor=officer)
    services.request_pay(request_id=paid_child.pk, scope=everything, actor=officer, payment_date=today)
    # Red, refused.
    refused = enter(paul, CHILD_HOLIDAYS, manager, paul_child)
    services.request_refuse(
        request_id=refused.pk, scope=everything, actor=officer, reason="La facture du séjour n'est pas acquittée."
    )
    # Withdrawn.
    withdrawn = enter(cooperators["F004219"], SPORT_CULTURE, manager)
    services.request_withdraw(request_id=withdrawn.pk, scope=everything, actor=manager)
    # The Scic: one paid, one being processed.
    karim = cooperators["F007301"]
    scic_paid = enter(karim, "vacances-cooperateur", officer)
    services.request_take(request_id=scic_paid.pk, scope=everything, actor=officer)
    services.request_pay(request_id=scic_paid.pk, scope=everything, actor=officer, payment_date=today)
    enter(cooperators["F007302"], "vacances-cooperateur", officer)
    # Contributions.
    for key, amount in (("scop", Decimal("1840.00")), ("scic", Decimal("960.00"))):
        cooperative = coops[key]
        if not Contribution.objects.filter(cooperative=cooperative).exists():
            for year in (today.year - 1, today.year):
                services.contribution_add(
                    cooperative=cooperative,
                    actor=officer,
                    kind=ContributionKind.CALL,
                    year=year,
                    label=f"Cotisation {year}",
                    amount=amount,
                    date=datetime.date(year, 1, 15),
                )
            services.contribution_add(
                cooperative=cooperative,
                actor=officer,
                kind=ContributionKind.PAYMENT,
                year=today.year - 1,
                label=f"Règlement cotisation {today.year - 1}",
                amount=amount,
                date=datetime.date(today.year - 1, 2, 20),
            )


def _cooperative(organisation, union, legal_form, package, address, postcode):
    city = {"69009": "Lyon", "38000": "Grenoble"}[postcode]
    cooperative = Cooperative.objects.filter(organisation=organisation).first()
    if cooperative is None:
        cooperative = services.cooperative_create(
            organisation=organisation,
            union=union,
            legal_form=legal_form,
            package=package,
            address=address,
            postcode=postcode,
            city=city,
            email=f"contact@{organisation.code.lower() or 'coop'}.demo",
        )
    return cooperative
