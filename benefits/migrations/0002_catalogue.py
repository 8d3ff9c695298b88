"""Writes the benefit catalogue so that every environment starts with it.

A frozen copy of benefits.catalogue.CATALOGUE as it was when this migration was written (without
the amounts, which are Tariff rows): a data migration does not import live code, which may change
or disappear after it.
"""

from django.db import migrations

CATALOGUE = [
    {
        "code": "vacances-enfant",
        "name": "Vacances enfant",
        "description": "Séjour de vacances, colonie ou centre de loisirs d'un enfant, une demande par enfant.",
        "packages": ["presta", "prestasup", "prestabat"],
        "beneficiary_kinds": ["child"],
        "min_age": 3,
        "max_age": 17,
        "once_per_year": True,
        "required_documents": "Facture du séjour au nom de l'enfant, datée et acquittée.",
        "position": 10,
    },
    {
        "code": "rentree-scolaire",
        "name": "Rentrée scolaire",
        "description": "Participation aux frais de rentrée, une demande par enfant scolarisé.",
        "packages": ["presta", "prestasup", "prestabat"],
        "beneficiary_kinds": ["child"],
        "min_age": 6,
        "max_age": 18,
        "once_per_year": True,
        "required_documents": "Certificat de scolarité de l'année en cours.",
        "position": 20,
    },
    {
        "code": "club-sportif-culture",
        "name": "Club sportif ou activité culturelle",
        "description": "Inscription à un club sportif ou à une activité culturelle, une demande par bénéficiaire.",
        "packages": ["prestasup", "prestabat"],
        "beneficiary_kinds": ["cooperator", "spouse", "child"],
        "once_per_year": True,
        "required_documents": "Facture ou attestation d'inscription de la saison, au nom du bénéficiaire.",
        "position": 30,
    },
    {
        "code": "vacances-cooperateur",
        "name": "Vacances coopérateur",
        "description": "Vacances du coopérateur qui n'a aucun enfant à charge sur l'avis d'imposition de l'année "
        "précédente.",
        "packages": ["presta", "prestasup", "prestabat"],
        "beneficiary_kinds": ["cooperator"],
        "once_per_year": True,
        "requires_no_dependent_child": True,
        "required_documents": "Facture du séjour au nom du coopérateur, datée et acquittée.",
        "position": 40,
    },
    {
        "code": "aide-naissance",
        "name": "Aide à la naissance",
        "description": "Aide versée à la naissance ou à l'adoption d'un enfant.",
        "packages": ["presta", "prestasup", "prestabat"],
        "beneficiary_kinds": ["child"],
        "once_per_year": False,
        "by_post_only": True,
        "required_documents": "Acte de naissance et copie du livret de famille mis à jour, par courrier postal.",
        "position": 50,
    },
    {
        "code": "secours-exceptionnel",
        "name": "Secours exceptionnel",
        "description": "Aide ponctuelle en cas de difficulté grave, réservée aux Scop et aux Scic.",
        "packages": ["presta", "prestasup", "prestabat"],
        "legal_forms": ["scop", "scic"],
        "beneficiary_kinds": ["cooperator"],
        "once_per_year": False,
        "by_post_only": True,
        "required_documents": "Lettre expliquant la situation et justificatifs, par courrier postal.",
        "position": 60,
    },
]


def forwards(apps, schema_editor):
    BenefitType = apps.get_model("benefits", "BenefitType")
    for spec in CATALOGUE:
        values = {key: value for key, value in spec.items() if key != "code"}
        BenefitType.objects.update_or_create(code=spec["code"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
