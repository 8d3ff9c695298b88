"""Demo records of the partners space (seed_demo): the demo partner with its conventions, a pending
pre-registration and a new convention in the demo fund's queue, news and a contact message. Idempotent."""

from django.utils import timezone

from core.history import record_transition

from .enums import ContactReason, ConventionState, PreRegistrationState
from .models import ContactMessage, Convention, ConventionType, NewsArticle, Partner, PartnerType, PreRegistration
from .reference import load_reference_data

NEWS = [
    (
        "nouvelle-version-du-portail",
        "Une nouvelle version du portail est en ligne",
        "Les manuels de votre activité sont dans la Documentation.",
    ),
    (
        "parametres-financiers",
        "Paramètres financiers des prestations d'action sociale",
        "Les montants applicables au 1er janvier ont été fixés par le conseil d'administration.",
    ),
]


def seed(*, orgs, users):
    load_reference_data()
    evaluation = PartnerType.objects.get(code="aide_domicile")
    convention_type = ConventionType.objects.get(code="aide_domicile")
    partner, _ = Partner.objects.get_or_create(
        organisation=orgs["partner"],
        defaults={
            "partner_type": evaluation,
            "siret": "73282932000074",
            "email": "contact@aidadom.demo",
            "phone": "03 02 01 05 09",
            "street_number": "107",
            "street_type": "esplanade",
            "street_name": "de Madrid",
            "postcode": "62000",
            "town": "Arras",
        },
    )
    fund = orgs["fund"]
    for code, state in (("DEMO-0001", ConventionState.VALIDATED), ("DEMO-0002", ConventionState.AWAITING)):
        convention, created = Convention.objects.get_or_create(
            fund=fund, code=code, defaults={"partner": partner, "convention_type": convention_type, "state": state}
        )
        if created:
            record_transition(convention, actor=None, from_state="", to_state=state)
    if not PreRegistration.objects.filter(admin_login="cielbleu01").exists():
        preregistration = PreRegistration.objects.create(
            regime=fund.parent,
            fund=fund,
            convention_code="DEMO-0100",
            partner_type=PartnerType.objects.get(code="evaluation"),
            partner_name="Association Ciel Bleu (démo)",
            siret="35600000000048",
            phone="03 21 00 00 00",
            postcode="62000",
            town="Arras",
            admin_last_name="Bleu",
            admin_first_name="Céleste",
            admin_login="cielbleu01",
            admin_email="celeste@cielbleu.demo",
            admin_phone="06 12 34 56 78",
            state=PreRegistrationState.PENDING,
        )
        record_transition(preregistration, actor=None, from_state="", to_state=PreRegistrationState.PENDING)
    for slug, title, summary in NEWS:
        NewsArticle.objects.get_or_create(
            slug=slug, defaults={"title": title, "summary": summary, "body": summary, "published_at": timezone.now()}
        )
    from .evaluations import demo as evaluations_demo

    evaluations_demo.seed(fund=fund, partner=partner, users=users)
    if not ContactMessage.objects.exists():
        ContactMessage.objects.create(
            convention_number="DEMO-0001",
            last_name="Artenaire",
            first_name="Paul",
            email="contact@aidadom.demo",
            phone="03 02 01 05 09",
            reason=ContactReason.ACCESS,
            text="Je n'arrive pas à accéder à mes rubriques.",
            fund=fund,
        )
