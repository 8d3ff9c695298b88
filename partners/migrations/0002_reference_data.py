"""Regimes and their funds (accounts.Organisation), partner types and convention types.

A frozen copy of partners.reference as it was when this migration was written: a data migration does
not import live code, which may change or disappear after it. Idempotent: rows are matched on
(kind, code) or code.
"""

from django.db import migrations

REGIMES = [
    ("CNAV", "CNAV", "Caisse nationale d'assurance vieillesse"),
    ("MSA", "MSA", "Mutualité sociale agricole"),
    ("SSI", "SSI", "Sécurité sociale pour les indépendants"),
    ("CNRACL", "CNRACL", "Caisse nationale de retraites des agents des collectivités locales"),
    ("DGAFP", "DGAFP", "Direction générale de l'administration et de la fonction publique"),
    ("CAVIMAC", "CAVIMAC", "Caisse d'assurance vieillesse, invalidité et maladie des cultes"),
]

# (regime code, fund code, fund name)
FUNDS = [
    ("CNAV", "CARSAT-AM", "CARSAT Alsace-Moselle"),
    ("CNAV", "CARSAT-AQ", "CARSAT Aquitaine"),
    ("CNAV", "CARSAT-AU", "CARSAT Auvergne"),
    ("CNAV", "CARSAT-BFC", "CARSAT Bourgogne-Franche-Comté"),
    ("CNAV", "CARSAT-BR", "CARSAT Bretagne"),
    ("CNAV", "CARSAT-CVL", "CARSAT Centre-Val de Loire"),
    ("CNAV", "CARSAT-CO", "CARSAT Centre-Ouest"),
    ("CNAV", "CARSAT-HDF", "CARSAT Hauts-de-France (Nord-Picardie)"),
    ("CNAV", "CARSAT-LR", "CARSAT Languedoc-Roussillon"),
    ("CNAV", "CARSAT-MP", "CARSAT Midi-Pyrénées"),
    ("CNAV", "CARSAT-NO", "CARSAT Normandie"),
    ("CNAV", "CARSAT-PL", "CARSAT Pays de la Loire"),
    ("CNAV", "CARSAT-RA", "CARSAT Rhône-Alpes"),
    ("CNAV", "CARSAT-SE", "CARSAT Sud-Est"),
    ("CNAV", "CNAV-IDF", "CNAV Île-de-France"),
    ("CNAV", "CGSS-GP", "CGSS Guadeloupe"),
    ("CNAV", "CGSS-MQ", "CGSS Martinique"),
    ("CNAV", "CGSS-GF", "CGSS Guyane"),
    ("CNAV", "CGSS-RE", "CGSS La Réunion"),
    ("CNAV", "CSS-YT", "CSS Mayotte"),
    ("MSA", "MSA-AIN-RHONE", "MSA Ain-Rhône"),
    ("MSA", "MSA-ALPES-NORD", "MSA Alpes du Nord"),
    ("MSA", "MSA-ALPES-VAUCLUSE", "MSA Alpes-Vaucluse"),
    ("MSA", "MSA-ALSACE", "MSA d'Alsace"),
    ("MSA", "MSA-ADL", "MSA Ardèche Drôme Loire"),
    ("MSA", "MSA-ARMORIQUE", "MSA d'Armorique"),
    ("MSA", "MSA-AUVERGNE", "MSA Auvergne"),
    ("MSA", "MSA-BCL", "MSA Beauce Cœur de Loire"),
    ("MSA", "MSA-BERRY-TOURAINE", "MSA Berry-Touraine"),
    ("MSA", "MSA-BOURGOGNE", "MSA de Bourgogne"),
    ("MSA", "MSA-CHARENTES", "MSA des Charentes"),
    ("MSA", "MSA-CORSE", "MSA de la Corse"),
    ("MSA", "MSA-COTES-NORMANDES", "MSA Côtes Normandes"),
    ("MSA", "MSA-DLG", "MSA Dordogne, Lot et Garonne"),
    ("MSA", "MSA-FRANCHE-COMTE", "MSA de Franche-Comté"),
    ("MSA", "MSA-GIRONDE", "MSA de la Gironde"),
    ("MSA", "MSA-GRAND-SUD", "MSA Grand Sud"),
    ("MSA", "MSA-HAUTE-NORMANDIE", "MSA Haute-Normandie"),
    ("MSA", "MSA-IDF", "MSA d'Île-de-France"),
    ("MSA", "MSA-LANGUEDOC", "MSA du Languedoc"),
    ("MSA", "MSA-LIMOUSIN", "MSA du Limousin"),
    ("MSA", "MSA-LOIRE-ATLANTIQUE-VENDEE", "MSA Loire-Atlantique – Vendée"),
    ("MSA", "MSA-LORRAINE", "MSA Lorraine"),
    ("MSA", "MSA-MAINE-ET-LOIRE", "MSA Maine-et-Loire"),
    ("MSA", "MSA-MAM", "MSA Marne Ardennes Meuse"),
    ("MSA", "MSA-MOS", "MSA Mayenne-Orne-Sarthe"),
    ("MSA", "MSA-MPN", "MSA Midi-Pyrénées Nord"),
    ("MSA", "MSA-MPS", "MSA Midi-Pyrénées Sud"),
    ("MSA", "MSA-NPDC", "MSA Nord-Pas de Calais"),
    ("MSA", "MSA-PICARDIE", "MSA de Picardie"),
    ("MSA", "MSA-PORTES-BRETAGNE", "MSA Portes de Bretagne"),
    ("MSA", "MSA-PROVENCE-AZUR", "MSA Provence-Azur"),
    ("MSA", "MSA-SEVRES-VIENNE", "MSA Sèvres-Vienne"),
    ("MSA", "MSA-SUD-AQUITAINE", "MSA Sud Aquitaine"),
    ("MSA", "MSA-SUD-CHAMPAGNE", "MSA Sud Champagne"),
    ("SSI", "SSI", "Sécurité sociale pour les indépendants"),
    ("CNRACL", "CNRACL", "CNRACL"),
    ("DGAFP", "FPE", "FPE – Fonction publique d'État"),
    ("CAVIMAC", "CAVIMAC", "CAVIMAC"),
]

# (code, label): the partner types; a convention's type uses the same vocabulary.
PARTNER_TYPES = [
    ("aide_domicile", "Prestataire de services d'aide à domicile"),
    ("evaluation", "Structure d'évaluation"),
    ("habitat", "Prestataire habitat et cadre de vie"),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    regimes = {}
    for code, short_name, _long_name in REGIMES:
        regimes[code], _new = Organisation.objects.get_or_create(
            kind="regime", code=code, defaults={"name": short_name}
        )
    for regime_code, code, name in FUNDS:
        Organisation.objects.get_or_create(
            kind="fund", code=code, defaults={"name": name, "parent": regimes[regime_code]}
        )
    for model_name in ("PartnerType", "ConventionType"):
        model = apps.get_model("partners", model_name)
        for code, label in PARTNER_TYPES:
            model.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("accounts", "0002_user_sessions_temporary_password_used"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
