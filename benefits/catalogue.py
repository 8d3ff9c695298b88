"""The benefit catalogue (SPEC 3): each type, its rules and its supporting documents.

It is reference data kept in code so that every environment has the same catalogue:
`benefits.services.benefit_types_ensure()` writes it (idempotent); the Union publishes the amounts
of each year ("Tarifs de l'année") as Tariff rows.
"""

from decimal import Decimal

from django.utils.translation import gettext_noop as N_

from .enums import BeneficiaryKind, LegalForm, Package

ALL_PACKAGES = [Package.PRESTA.value, Package.PRESTASUP.value, Package.PRESTABAT.value]
WITH_ACTIVITIES = [Package.PRESTASUP.value, Package.PRESTABAT.value]

CHILD_HOLIDAYS = "vacances-enfant"
BACK_TO_SCHOOL = "rentree-scolaire"
SPORT_CULTURE = "club-sportif-culture"
COOPERATOR_HOLIDAYS = "vacances-cooperateur"
BIRTH_AID = "aide-naissance"
EXCEPTIONAL_RELIEF = "secours-exceptionnel"

CATALOGUE = [
    {
        "code": CHILD_HOLIDAYS,
        "name": N_("Vacances enfant"),
        "description": N_("Séjour de vacances, colonie ou centre de loisirs d'un enfant, une demande par enfant."),
        "packages": ALL_PACKAGES,
        "beneficiary_kinds": [BeneficiaryKind.CHILD.value],
        "min_age": 3,
        "max_age": 17,
        "once_per_year": True,
        "required_documents": N_("Facture du séjour au nom de l'enfant, datée et acquittée."),
        "position": 10,
        "amount": Decimal("120.00"),
    },
    {
        "code": BACK_TO_SCHOOL,
        "name": N_("Rentrée scolaire"),
        "description": N_("Participation aux frais de rentrée, une demande par enfant scolarisé."),
        "packages": ALL_PACKAGES,
        "beneficiary_kinds": [BeneficiaryKind.CHILD.value],
        "min_age": 6,
        "max_age": 18,
        "once_per_year": True,
        "required_documents": N_("Certificat de scolarité de l'année en cours."),
        "position": 20,
        "amount": Decimal("90.00"),
    },
    {
        "code": SPORT_CULTURE,
        "name": N_("Club sportif ou activité culturelle"),
        "description": N_("Inscription à un club sportif ou à une activité culturelle, une demande par bénéficiaire."),
        "packages": WITH_ACTIVITIES,
        "beneficiary_kinds": [
            BeneficiaryKind.COOPERATOR.value,
            BeneficiaryKind.SPOUSE.value,
            BeneficiaryKind.CHILD.value,
        ],
        "once_per_year": True,
        "required_documents": N_("Facture ou attestation d'inscription de la saison, au nom du bénéficiaire."),
        "position": 30,
        "amount": Decimal("60.00"),
    },
    {
        "code": COOPERATOR_HOLIDAYS,
        "name": N_("Vacances coopérateur"),
        "description": N_(
            "Vacances du coopérateur qui n'a aucun enfant à charge sur l'avis d'imposition de l'année précédente."
        ),
        "packages": ALL_PACKAGES,
        "beneficiary_kinds": [BeneficiaryKind.COOPERATOR.value],
        "once_per_year": True,
        "requires_no_dependent_child": True,
        "required_documents": N_("Facture du séjour au nom du coopérateur, datée et acquittée."),
        "position": 40,
        "amount": Decimal("100.00"),
    },
    {
        "code": BIRTH_AID,
        "name": N_("Aide à la naissance"),
        "description": N_("Aide versée à la naissance ou à l'adoption d'un enfant."),
        "packages": ALL_PACKAGES,
        "beneficiary_kinds": [BeneficiaryKind.CHILD.value],
        "once_per_year": False,
        "by_post_only": True,
        "required_documents": N_("Acte de naissance et copie du livret de famille mis à jour, par courrier postal."),
        "position": 50,
        "amount": Decimal("150.00"),
    },
    {
        "code": EXCEPTIONAL_RELIEF,
        "name": N_("Secours exceptionnel"),
        "description": N_("Aide ponctuelle en cas de difficulté grave, réservée aux Scop et aux Scic."),
        "packages": ALL_PACKAGES,
        "legal_forms": [LegalForm.SCOP.value, LegalForm.SCIC.value],
        "beneficiary_kinds": [BeneficiaryKind.COOPERATOR.value],
        "once_per_year": False,
        "by_post_only": True,
        "required_documents": N_("Lettre expliquant la situation et justificatifs, par courrier postal."),
        "position": 60,
        "amount": None,
    },
]
